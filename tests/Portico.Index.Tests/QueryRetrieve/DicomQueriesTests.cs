using System.Globalization;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Index.QueryRetrieve;
using Portico.Index.Studies;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests.QueryRetrieve;

/// <summary>
/// C-FIND matching (PS3.4 §C.2.2.2) and C-MOVE/C-GET resolution over the index. Each test seeds its own two patients
/// under Patient IDs no other test uses and constrains every query by them, so it sees only its own rows.
/// </summary>
public abstract class DicomQueriesTests(IIndexDatabase database)
{
    public sealed class Sqlite(SqliteTestDatabase database) : DicomQueriesTests(database), IClassFixture<SqliteTestDatabase>;

    public sealed class Postgres(PostgresTestDatabase database) : DicomQueriesTests(database), IClassFixture<PostgresTestDatabase>;

    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string BasicTextSr = "1.2.840.10008.5.1.4.1.1.88.11";
    private const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindAsync_PatientRootPatientLevel_ReturnsEachPatientWithItsRelatedCounts()
    {
        World w = await SeedAsync();

        List<DicomDataset> matches = await FindAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "PATIENT",
            (DicomTags.PatientID, DicomVR.LO, w.Prefix + "*"),
            (DicomTags.PatientName, DicomVR.PN, ""),
            (DicomTags.PatientBirthDate, DicomVR.DA, ""),
            (DicomTags.NumberOfPatientRelatedStudies, DicomVR.IS, ""),
            (DicomTags.NumberOfPatientRelatedSeries, DicomVR.IS, ""),
            (DicomTags.NumberOfPatientRelatedInstances, DicomVR.IS, "")));

        Assert.Equal(2, matches.Count);
        DicomDataset a = Assert.Single(matches, m => m.GetString(DicomTags.PatientID) == w.PatientA);
        Assert.Equal("PATIENT", a.GetString(DicomTags.QueryRetrieveLevel));
        Assert.Equal("MÜLLER^HANS", a.GetString(DicomTags.PatientName));
        Assert.Equal("19700102", a.GetString(DicomTags.PatientBirthDate));
        Assert.Equal("2", a.GetString(DicomTags.NumberOfPatientRelatedStudies));
        Assert.Equal("3", a.GetString(DicomTags.NumberOfPatientRelatedSeries));
        Assert.Equal("4", a.GetString(DicomTags.NumberOfPatientRelatedInstances));
        DicomDataset b = Assert.Single(matches, m => m.GetString(DicomTags.PatientID) == w.PatientB);
        Assert.Equal("", b.GetString(DicomTags.PatientBirthDate));
        Assert.Equal("1", b.GetString(DicomTags.NumberOfPatientRelatedStudies));
    }

    [Fact]
    public async Task FindAsync_StudyLevel_FillsRequestedKeysAndLeavesOutUnrequestedOnes()
    {
        World w = await SeedAsync();
        DicomDataset identifier = Identifier(
            "STUDY",
            (DicomTags.AccessionNumber, DicomVR.SH, w.Prefix + "ACC1"),
            (DicomTags.StudyInstanceUID, DicomVR.UI, ""),
            (DicomTags.StudyDate, DicomVR.DA, ""),
            (DicomTags.StudyTime, DicomVR.TM, ""),
            (DicomTags.PatientID, DicomVR.LO, ""),
            (DicomTags.ReferringPhysicianName, DicomVR.PN, ""),
            (DicomTags.ModalitiesInStudy, DicomVR.CS, ""),
            (DicomTags.NumberOfStudyRelatedSeries, DicomVR.IS, ""),
            (DicomTags.NumberOfStudyRelatedInstances, DicomVR.IS, ""),
            (DicomTags.StudyID, DicomVR.SH, ""),
            (DicomTags.PatientAge, DicomVR.AS, ""));
        identifier.Add(new DicomSequence(DicomTags.ReferencedStudySequence, DicomVR.SQ));

        DicomDataset match = Assert.Single(await FindAsync(QueryRetrieveModel.StudyRoot, identifier));

        Assert.Equal("STUDY", match.GetString(DicomTags.QueryRetrieveLevel));
        Assert.Equal(w.StudyA1, match.GetString(DicomTags.StudyInstanceUID));
        Assert.Equal(w.Prefix + "ACC1", match.GetString(DicomTags.AccessionNumber));
        Assert.Equal("20250101", match.GetString(DicomTags.StudyDate));
        Assert.Equal("101530", match.GetString(DicomTags.StudyTime));
        Assert.Equal(w.PatientA, match.GetString(DicomTags.PatientID));
        Assert.Equal("SMITH^ANNA", match.GetString(DicomTags.ReferringPhysicianName));
        Assert.Equal(["CT", "SR"], match.GetStrings(DicomTags.ModalitiesInStudy));
        Assert.Equal("2", match.GetString(DicomTags.NumberOfStudyRelatedSeries));
        Assert.Equal("3", match.GetString(DicomTags.NumberOfStudyRelatedInstances));

        // Keys the index does not hold come back empty; a sequence comes back empty.
        Assert.Equal("", match.GetString(DicomTags.StudyID));
        Assert.Equal("", match.GetString(DicomTags.PatientAge));
        Assert.Empty(Assert.IsType<DicomSequence>(match.Find(DicomTags.ReferencedStudySequence)).Items);

        // Not requested, so not returned, although the index has them.
        Assert.False(match.Contains(DicomTags.PatientName));
        Assert.False(match.Contains(DicomTags.StudyDescription));
        Assert.False(match.Contains(DicomTags.PatientBirthDate));

        // Every value is ASCII: the default repertoire, so no Specific Character Set (PS3.4 §C.4.1.1.3.2).
        Assert.False(match.Contains(DicomTags.SpecificCharacterSet));
    }

    [Fact]
    public async Task FindAsync_NonAsciiValueInResponse_DeclaresUtf8()
    {
        World w = await SeedAsync();
        DicomDataset identifier = Identifier(
            "STUDY",
            (DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192"),
            (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1),
            (DicomTags.PatientName, DicomVR.PN, ""));

        DicomDataset match = Assert.Single(await FindAsync(QueryRetrieveModel.StudyRoot, identifier));

        Assert.Equal("ISO_IR 192", match.GetString(DicomTags.SpecificCharacterSet));
        Assert.Equal("MÜLLER^HANS", match.GetString(DicomTags.PatientName));
        Assert.True(match.TryGetElement(DicomTags.PatientName, out DicomElement? name));
        Assert.Equal("MÜLLER^HANS"u8.ToArray(), name.Value.ToArray()); // UTF-8 on the wire, no padding needed (even)
    }

    /// <summary>
    /// A NUL inside a key's value (a damaged request) is left out, as ingest leaves it out of indexed values: on
    /// PostgreSQL the parameter was refused and the C-FIND failed.
    /// </summary>
    [Fact]
    public async Task FindAsync_NulInsideATextKey_IsLeftOutAndMatches()
    {
        World w = await SeedAsync();
        DicomDataset identifier = Identifier(
            "STUDY",
            (DicomTags.PatientID, DicomVR.LO, w.Prefix + "*"),
            (DicomTags.PatientName, DicomVR.PN, "Do\0e*"),
            (DicomTags.StudyInstanceUID, DicomVR.UI, ""));

        List<DicomDataset> matches = await FindAsync(QueryRetrieveModel.StudyRoot, identifier);

        Assert.Equal([w.StudyB1], StudyUids(matches));
    }

    [Fact]
    public async Task FindAsync_NonAsciiPatternInUtf8Request_MatchesIgnoringCase()
    {
        World w = await SeedAsync();
        DicomDataset identifier = Identifier(
            "STUDY",
            (DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192"),
            (DicomTags.PatientID, DicomVR.LO, w.Prefix + "*"),
            (DicomTags.PatientName, DicomVR.PN, "müller*"),
            (DicomTags.StudyInstanceUID, DicomVR.UI, ""));

        List<DicomDataset> matches = await FindAsync(QueryRetrieveModel.StudyRoot, identifier);

        Assert.Equal([w.StudyA1, w.StudyA2], StudyUids(matches));
    }

    [Fact]
    public async Task FindAsync_PatientRootStudyLevel_AddsThePatientIdAboveAndNeedsOne()
    {
        World w = await SeedAsync();

        List<DicomDataset> matches = await FindAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "STUDY",
            (DicomTags.PatientID, DicomVR.LO, w.PatientA),
            (DicomTags.StudyInstanceUID, DicomVR.UI, "")));
        Assert.Equal([w.StudyA1, w.StudyA2], StudyUids(matches));
        Assert.All(matches, m => Assert.Equal(w.PatientA, m.GetString(DicomTags.PatientID)));

        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "STUDY", (DicomTags.StudyInstanceUID, DicomVR.UI, ""))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "STUDY", (DicomTags.PatientID, DicomVR.LO, w.Prefix + "*"), (DicomTags.StudyInstanceUID, DicomVR.UI, ""))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "STUDY", (DicomTags.PatientID, DicomVR.LO, ""), (DicomTags.StudyInstanceUID, DicomVR.UI, ""))));
    }

    [Fact]
    public async Task FindAsync_SeriesLevel_MatchesSeriesKeysUnderOneStudy()
    {
        World w = await SeedAsync();
        DicomDataset Series(params (DicomTag, DicomVR, string)[] keys) => Identifier(
            "SERIES",
            [(DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1), (DicomTags.SeriesInstanceUID, DicomVR.UI, ""), .. keys]);

        List<DicomDataset> all = await FindAsync(QueryRetrieveModel.StudyRoot, Series(
            (DicomTags.Modality, DicomVR.CS, ""),
            (DicomTags.SeriesNumber, DicomVR.IS, ""),
            (DicomTags.NumberOfSeriesRelatedInstances, DicomVR.IS, "")));
        Assert.Equal(2, all.Count);
        DicomDataset ct = Assert.Single(all, m => m.GetString(DicomTags.Modality) == "CT");
        Assert.Equal("SERIES", ct.GetString(DicomTags.QueryRetrieveLevel));
        Assert.Equal(w.SeriesCt, ct.GetString(DicomTags.SeriesInstanceUID));
        Assert.Equal(w.StudyA1, ct.GetString(DicomTags.StudyInstanceUID));
        Assert.Equal("1", ct.GetString(DicomTags.SeriesNumber));
        Assert.Equal("2", ct.GetString(DicomTags.NumberOfSeriesRelatedInstances));

        Assert.Equal([w.SeriesSr], SeriesUids(await FindAsync(QueryRetrieveModel.StudyRoot, Series((DicomTags.Modality, DicomVR.CS, "SR")))));
        Assert.Empty(await FindAsync(QueryRetrieveModel.StudyRoot, Series((DicomTags.Modality, DicomVR.CS, "sr")))); // CS is case-sensitive
        Assert.Equal([w.SeriesSr], SeriesUids(await FindAsync(QueryRetrieveModel.StudyRoot, Series((DicomTags.SeriesNumber, DicomVR.IS, "2")))));
        Assert.Equal([w.SeriesCt], SeriesUids(await FindAsync(QueryRetrieveModel.StudyRoot, Series((DicomTags.BodyPartExamined, DicomVR.CS, "HE?D")))));
        Assert.Equal([w.SeriesCt], SeriesUids(await FindAsync(QueryRetrieveModel.StudyRoot, Series((DicomTags.SeriesDescription, DicomVR.LO, "AX*")))));
        Assert.Equal([w.SeriesCt, w.SeriesSr], SeriesUids(await FindAsync(QueryRetrieveModel.StudyRoot, Series((DicomTags.SeriesInstanceUID, DicomVR.UI, w.SeriesCt + "\\" + w.SeriesSr)))));

        // In Patient Root the Patient ID above is required and returned.
        DicomDataset rooted = Assert.Single(await FindAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "SERIES",
            (DicomTags.PatientID, DicomVR.LO, w.PatientA),
            (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1),
            (DicomTags.Modality, DicomVR.CS, "SR"))));
        Assert.Equal(w.PatientA, rooted.GetString(DicomTags.PatientID));
        Assert.Equal(w.StudyA1, rooted.GetString(DicomTags.StudyInstanceUID));
        Assert.Equal("SR", rooted.GetString(DicomTags.Modality));

        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "SERIES", (DicomTags.Modality, DicomVR.CS, "CT"))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "SERIES", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1 + "\\" + w.StudyA2))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.StudyRoot, Series((DicomTags.SeriesNumber, DicomVR.IS, "one"))));
    }

    [Fact]
    public async Task FindAsync_ImageLevel_MatchesInstanceKeysUnderOneSeries()
    {
        World w = await SeedAsync();
        DicomDataset Image(string seriesUid, params (DicomTag, DicomVR, string)[] keys) => Identifier(
            "IMAGE",
            [(DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1), (DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid), (DicomTags.SOPInstanceUID, DicomVR.UI, ""), .. keys]);

        List<DicomDataset> all = await FindAsync(QueryRetrieveModel.StudyRoot, Image(
            w.SeriesCt, (DicomTags.SOPClassUID, DicomVR.UI, ""), (DicomTags.InstanceNumber, DicomVR.IS, "")));
        Assert.Equal([w.Ct1, w.Ct2], SopUids(all));
        DicomDataset first = Assert.Single(all, m => m.GetString(DicomTags.SOPInstanceUID) == w.Ct1);
        Assert.Equal("IMAGE", first.GetString(DicomTags.QueryRetrieveLevel));
        Assert.Equal(CtImageStorage, first.GetString(DicomTags.SOPClassUID));
        Assert.Equal("1", first.GetString(DicomTags.InstanceNumber));
        Assert.Equal(w.SeriesCt, first.GetString(DicomTags.SeriesInstanceUID));
        Assert.Equal(w.StudyA1, first.GetString(DicomTags.StudyInstanceUID));

        Assert.Equal([w.Ct2], SopUids(await FindAsync(QueryRetrieveModel.StudyRoot, Image(w.SeriesCt, (DicomTags.InstanceNumber, DicomVR.IS, "2")))));
        Assert.Equal([w.Sr1], SopUids(await FindAsync(QueryRetrieveModel.StudyRoot, Image(w.SeriesSr, (DicomTags.SOPClassUID, DicomVR.UI, BasicTextSr)))));
        Assert.Empty(await FindAsync(QueryRetrieveModel.StudyRoot, Image(w.SeriesSr, (DicomTags.SOPClassUID, DicomVR.UI, CtImageStorage))));
        Assert.Equal([w.Ct2], SopUids(await FindAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "IMAGE",
            (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1),
            (DicomTags.SeriesInstanceUID, DicomVR.UI, w.SeriesCt),
            (DicomTags.SOPInstanceUID, DicomVR.UI, w.Ct2)))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "IMAGE", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1), (DicomTags.SOPInstanceUID, DicomVR.UI, ""))));
    }

    [Fact]
    public async Task FindAsync_TextKeys_SingleValueAndWildcardAreCaseSensitive()
    {
        World w = await SeedAsync();

        Assert.Equal([w.StudyA1], await StudiesWhereAsync(w, (DicomTags.AccessionNumber, DicomVR.SH, w.Prefix + "ACC1")));
        Assert.Empty(await StudiesWhereAsync(w, (DicomTags.AccessionNumber, DicomVR.SH, w.Prefix.ToLowerInvariant() + "acc1")));
        Assert.Equal([w.StudyA1, w.StudyA2], await StudiesWhereAsync(w, (DicomTags.AccessionNumber, DicomVR.SH, w.Prefix + "ACC?")));
        Assert.Equal([w.StudyA1, w.StudyA2, w.StudyB1], await StudiesWhereAsync(w, (DicomTags.AccessionNumber, DicomVR.SH, "*")));
        Assert.Equal([w.StudyB1], await StudiesWhereAsync(w, (DicomTags.AccessionNumber, DicomVR.SH, w.Prefix + "B_1%")));
        Assert.Equal([w.StudyB1], await StudiesWhereAsync(w, (DicomTags.AccessionNumber, DicomVR.SH, w.Prefix + "B_1*")));
        Assert.Empty(await StudiesWhereAsync(w, (DicomTags.AccessionNumber, DicomVR.SH, w.Prefix + "A_C*"))); // LIKE's _ and % are literal
        Assert.Empty(await StudiesWhereAsync(w, (DicomTags.AccessionNumber, DicomVR.SH, w.Prefix + "%")));
        Assert.Equal([w.StudyA1], await StudiesWhereAsync(w, (DicomTags.StudyDescription, DicomVR.LO, "CT*")));
        Assert.Empty(await StudiesWhereAsync(w, (DicomTags.StudyDescription, DicomVR.LO, "ct*")));
        Assert.Equal([w.StudyA2, w.StudyB1], await StudiesWhereAsync(w, (DicomTags.StudyDescription, DicomVR.LO, "*N*")));
        Assert.Equal([w.StudyA1, w.StudyA2], await StudiesWhereAsync(w, (DicomTags.PatientID, DicomVR.LO, w.PatientA)));
        Assert.Equal([w.StudyB1], await StudiesWhereAsync(w, (DicomTags.PatientSex, DicomVR.CS, "F")));
    }

    [Fact]
    public async Task FindAsync_PersonNames_MatchIgnoringCaseAndComponentPadding()
    {
        World w = await SeedAsync();

        Assert.Equal([w.StudyB1], await StudiesWhereAsync(w, (DicomTags.PatientName, DicomVR.PN, "DOE^JANE")));
        Assert.Equal([w.StudyB1], await StudiesWhereAsync(w, (DicomTags.PatientName, DicomVR.PN, "doe^jane")));
        Assert.Equal([w.StudyB1], await StudiesWhereAsync(w, (DicomTags.PatientName, DicomVR.PN, "Doe^Jane^^^")));
        Assert.Equal([w.StudyB1], await StudiesWhereAsync(w, (DicomTags.PatientName, DicomVR.PN, "d?e*")));
        Assert.Equal([w.StudyA1, w.StudyA2], await StudiesWhereAsync(w, (DicomTags.PatientName, DicomVR.PN, "*HANS")));
        Assert.Empty(await StudiesWhereAsync(w, (DicomTags.PatientName, DicomVR.PN, "DOE")));
        Assert.Equal([w.StudyA1, w.StudyA2, w.StudyB1], await StudiesWhereAsync(w, (DicomTags.PatientName, DicomVR.PN, "*")));

        Assert.Equal([w.StudyA1], await StudiesWhereAsync(w, (DicomTags.ReferringPhysicianName, DicomVR.PN, "smith^anna")));
        Assert.Equal([w.StudyA1, w.StudyA2], await StudiesWhereAsync(w, (DicomTags.ReferringPhysicianName, DicomVR.PN, "sm*")));
        Assert.Empty(await StudiesWhereAsync(w, (DicomTags.ReferringPhysicianName, DicomVR.PN, "smith")));
    }

    [Fact]
    public async Task FindAsync_Dates_SingleValueAndRangesIncludeBothEnds()
    {
        World w = await SeedAsync();

        Assert.Equal([w.StudyA1], await StudiesWhereAsync(w, (DicomTags.StudyDate, DicomVR.DA, "20250101")));
        Assert.Equal([w.StudyA1, w.StudyA2], await StudiesWhereAsync(w, (DicomTags.StudyDate, DicomVR.DA, "20250101-20250102")));
        Assert.Equal([w.StudyA1, w.StudyB1], await StudiesWhereAsync(w, (DicomTags.StudyDate, DicomVR.DA, "-20250101")));
        Assert.Equal([w.StudyA2], await StudiesWhereAsync(w, (DicomTags.StudyDate, DicomVR.DA, "20250102-")));
        Assert.Equal([w.StudyA1, w.StudyA2], await StudiesWhereAsync(w, (DicomTags.PatientBirthDate, DicomVR.DA, "19700102")));
        Assert.Equal([w.StudyA1, w.StudyA2], await StudiesWhereAsync(w, (DicomTags.PatientBirthDate, DicomVR.DA, "19600101-19800101")));
        Assert.Empty(await StudiesWhereAsync(w, (DicomTags.PatientBirthDate, DicomVR.DA, "-19691231")));
        await Assert.ThrowsAsync<InvalidQueryException>(() => StudiesWhereAsync(w, (DicomTags.StudyDate, DicomVR.DA, "2025-01-01")));
        await Assert.ThrowsAsync<InvalidQueryException>(() => StudiesWhereAsync(w, (DicomTags.StudyDate, DicomVR.DA, "-")));
    }

    [Fact]
    public async Task FindAsync_StudyTime_SingleValueAndRangesAtAnyPrecision()
    {
        World w = await SeedAsync();

        Assert.Equal([w.StudyA1], await StudiesWhereAsync(w, (DicomTags.StudyTime, DicomVR.TM, "101530")));
        Assert.Equal([w.StudyA1], await StudiesWhereAsync(w, (DicomTags.StudyTime, DicomVR.TM, "1000-1100")));
        Assert.Equal([w.StudyA1], await StudiesWhereAsync(w, (DicomTags.StudyTime, DicomVR.TM, "1015-1015")));
        Assert.Equal([w.StudyA1], await StudiesWhereAsync(w, (DicomTags.StudyTime, DicomVR.TM, "10-10")));
        Assert.Equal([w.StudyA2], await StudiesWhereAsync(w, (DicomTags.StudyTime, DicomVR.TM, "-0600")));
        Assert.Equal([w.StudyA1, w.StudyB1], await StudiesWhereAsync(w, (DicomTags.StudyTime, DicomVR.TM, "1000-")));
        await Assert.ThrowsAsync<InvalidQueryException>(() => StudiesWhereAsync(w, (DicomTags.StudyTime, DicomVR.TM, "10:15")));
    }

    [Fact]
    public async Task FindAsync_StudyDateAndTimeRanges_CombineIntoOneDateTimeRange()
    {
        World w = await SeedAsync();

        // PS3.4 §C.2.2.2.5.1: 1 Jan 10:00 to 2 Jan 07:00, not "10:00 to 07:00 on each day" (which would match nothing).
        Assert.Equal([w.StudyA1, w.StudyA2], await StudiesWhereAsync(
            w, (DicomTags.StudyDate, DicomVR.DA, "20250101-20250102"), (DicomTags.StudyTime, DicomVR.TM, "1000-0700")));
        Assert.Equal([w.StudyB1], await StudiesWhereAsync(
            w, (DicomTags.StudyDate, DicomVR.DA, "20241231-20250101"), (DicomTags.StudyTime, DicomVR.TM, "2300-1000")));

        // Upper bounds given to the hour or minute include the whole hour or minute.
        Assert.Equal([w.StudyA1], await StudiesWhereAsync(
            w, (DicomTags.StudyDate, DicomVR.DA, "20250101"), (DicomTags.StudyTime, DicomVR.TM, "10-1015")));
        Assert.Equal([w.StudyA1], await StudiesWhereAsync(
            w, (DicomTags.StudyDate, DicomVR.DA, "20250101"), (DicomTags.StudyTime, DicomVR.TM, "-10")));
        Assert.Empty(await StudiesWhereAsync(
            w, (DicomTags.StudyDate, DicomVR.DA, "20250101"), (DicomTags.StudyTime, DicomVR.TM, "-1014")));
        Assert.Equal([w.StudyA1, w.StudyA2], await StudiesWhereAsync(
            w, (DicomTags.StudyDate, DicomVR.DA, "20250101-"), (DicomTags.StudyTime, DicomVR.TM, "1015")));
        Assert.Equal([w.StudyB1], await StudiesWhereAsync(
            w, (DicomTags.StudyDate, DicomVR.DA, "-20250101"), (DicomTags.StudyTime, DicomVR.TM, "-1014")));
        Assert.Equal([w.StudyA1, w.StudyB1], await StudiesWhereAsync(
            w, (DicomTags.StudyDate, DicomVR.DA, "-20250101"), (DicomTags.StudyTime, DicomVR.TM, "-1015")));
    }

    [Fact]
    public async Task FindAsync_ModalitiesInStudy_MatchesAnyListedModality()
    {
        World w = await SeedAsync();

        Assert.Equal([w.StudyA1], await StudiesWhereAsync(w, (DicomTags.ModalitiesInStudy, DicomVR.CS, "SR")));
        Assert.Equal([w.StudyA1, w.StudyA2], await StudiesWhereAsync(w, (DicomTags.ModalitiesInStudy, DicomVR.CS, "CT\\MR")));
        Assert.Empty(await StudiesWhereAsync(w, (DicomTags.ModalitiesInStudy, DicomVR.CS, "S")));
    }

    [Fact]
    public async Task FindAsync_UidKeys_MatchSingleValuesAndListsButNeverWildcards()
    {
        World w = await SeedAsync();

        Assert.Equal([w.StudyA2], await StudiesWhereAsync(w, (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA2)));
        Assert.Equal([w.StudyA1, w.StudyB1], await StudiesWhereAsync(w, (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1 + "\\" + w.StudyB1)));

        // PS3.4 §C.2.2.2.4: wildcard matching does not apply to UI, so "*" and "?" are refused in a UID.
        string stem = w.StudyA1[..^3];
        await Assert.ThrowsAsync<InvalidQueryException>(() => StudiesWhereAsync(w, (DicomTags.StudyInstanceUID, DicomVR.UI, stem + "*")));
        await Assert.ThrowsAsync<InvalidQueryException>(() => StudiesWhereAsync(w, (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1[..^1] + "?")));
        await Assert.ThrowsAsync<InvalidQueryException>(() => StudiesWhereAsync(w, (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1 + "\\" + stem + "*")));

        // A lone "*" is universal matching.
        Assert.Equal([w.StudyA1, w.StudyA2, w.StudyB1], await StudiesWhereAsync(w, (DicomTags.StudyInstanceUID, DicomVR.UI, "*")));
    }

    [Fact]
    public async Task FindAsync_InvalidIdentifiers_AreRefused()
    {
        World w = await SeedAsync();
        var noLevel = new DicomDataset();
        noLevel.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, w.PatientA);

        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.PatientRoot, noLevel));
        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.PatientRoot, Identifier("FRAME", (DicomTags.PatientID, DicomVR.LO, w.PatientA))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.StudyRoot, Identifier("PATIENT", (DicomTags.PatientID, DicomVR.LO, w.PatientA))));

        // A key below the level.
        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "STUDY", (DicomTags.PatientID, DicomVR.LO, w.PatientA), (DicomTags.Modality, DicomVR.CS, "CT"))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => FindAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "PATIENT", (DicomTags.PatientID, DicomVR.LO, w.PatientA), (DicomTags.StudyInstanceUID, DicomVR.UI, ""))));
    }

    [Fact]
    public async Task FindAndResolve_InvalidIdentifier_ThrowOnTheFirstMoveNextNotOnTheCall()
    {
        // The SCP's provider guards the enumeration to turn the refusal into 0xA900; a throw from the call would escape it.
        await using PorticoDbContext db = database.CreateContext();
        var queries = new DicomQueries(db);

        IAsyncEnumerable<DicomDataset> find = queries.FindAsync(QueryRetrieveModel.StudyRoot, Identifier("PATIENT"), QueryLimits.Default, Ct);
        IAsyncEnumerable<RetrieveCandidate> retrieve = queries.ResolveRetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier("STUDY"), Ct);

        await using IAsyncEnumerator<DicomDataset> matches = find.GetAsyncEnumerator(Ct);
        await Assert.ThrowsAsync<InvalidQueryException>(() => matches.MoveNextAsync().AsTask());
        await using IAsyncEnumerator<RetrieveCandidate> candidates = retrieve.GetAsyncEnumerator(Ct);
        await Assert.ThrowsAsync<InvalidQueryException>(() => candidates.MoveNextAsync().AsTask());
    }

    [Fact]
    public async Task FindAsync_MoreMatchesThanTheLimit_StopsAtTheLimit()
    {
        World w = await SeedAsync();
        await using PorticoDbContext db = database.CreateContext();
        var queries = new DicomQueries(db);

        List<DicomDataset> matches = await ToListAsync(queries.FindAsync(
            QueryRetrieveModel.StudyRoot, Identifier("STUDY", (DicomTags.PatientID, DicomVR.LO, w.Prefix + "*")), new QueryLimits { MaxMatches = 2 }, Ct));

        Assert.Equal(2, matches.Count);
    }

    /// <summary>QIDO-RS pages with an offset, in UID order, and searches all series or a study's instances (relational).</summary>
    [Fact]
    public async Task FindAsync_OffsetAndRelational_PageInUidOrderAndSpanTheLevelsAbove()
    {
        World w = await SeedAsync();
        await using PorticoDbContext db = database.CreateContext();
        var queries = new DicomQueries(db);
        DicomDataset studies = Identifier("STUDY", (DicomTags.PatientID, DicomVR.LO, w.Prefix + "*"), (DicomTags.StudyInstanceUID, DicomVR.UI, ""));

        List<DicomDataset> first = await ToListAsync(queries.FindAsync(QueryRetrieveModel.StudyRoot, studies, new QueryLimits { MaxMatches = 2, Offset = 0 }, Ct));
        List<DicomDataset> rest = await ToListAsync(queries.FindAsync(QueryRetrieveModel.StudyRoot, studies, new QueryLimits { MaxMatches = 2, Offset = 2 }, Ct));
        DicomDataset allSeries = Identifier("SERIES", (DicomTags.PatientID, DicomVR.LO, w.Prefix + "*"), (DicomTags.SeriesInstanceUID, DicomVR.UI, ""));
        List<DicomDataset> series = await ToListAsync(queries.FindAsync(QueryRetrieveModel.StudyRoot, allSeries, new QueryLimits { Offset = 0 }, relational: true, Ct));
        DicomDataset studyInstances = Identifier("IMAGE", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1), (DicomTags.SOPInstanceUID, DicomVR.UI, ""));
        List<DicomDataset> instances = await ToListAsync(queries.FindAsync(QueryRetrieveModel.StudyRoot, studyInstances, new QueryLimits { Offset = 1 }, relational: true, Ct));

        Assert.Equal([w.StudyA1, w.StudyA2, w.StudyB1], first.Concat(rest).Select(m => m.GetString(DicomTags.StudyInstanceUID)));
        Assert.Equal([w.SeriesCt, w.SeriesSr, w.SeriesMr, w.SeriesUs], series.Select(m => m.GetString(DicomTags.SeriesInstanceUID)));
        Assert.Equal(w.StudyB1, series[^1].GetString(DicomTags.StudyInstanceUID));
        Assert.Equal([w.Ct2, w.Sr1], instances.Select(m => m.GetString(DicomTags.SOPInstanceUID)));
        Assert.Equal(w.SeriesSr, instances[^1].GetString(DicomTags.SeriesInstanceUID));
        await Assert.ThrowsAsync<InvalidQueryException>(() => ToListAsync(queries.FindAsync(QueryRetrieveModel.StudyRoot, allSeries, QueryLimits.Default, Ct)));
    }

    [Fact]
    public async Task ResolveRetrieveAsync_StudyLevel_YieldsEveryInstanceOfTheListedStudies()
    {
        World w = await SeedAsync();

        List<RetrieveCandidate> one = await RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier("STUDY", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1)));
        Assert.Equal([w.Ct1, w.Ct2, w.Sr1], one.Select(c => c.SopInstanceUid).Order(StringComparer.Ordinal));
        RetrieveCandidate ct1 = Assert.Single(one, c => c.SopInstanceUid == w.Ct1);
        Assert.Equal(CtImageStorage, ct1.SopClassUid);
        Assert.Equal("1.2.840.10008.1.2.1", ct1.TransferSyntaxUid);
        Assert.Equal("blobs/" + w.Ct1, ct1.BlobKey);
        Assert.Equal(1000, ct1.SizeBytes);
        Assert.Equal(w.StudyA1, ct1.StudyInstanceUid);

        Assert.Equal([w.Ct1, w.Ct2, w.Sr1, w.Us1], SortedSops(await RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "STUDY", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1 + "\\" + w.StudyB1)))));

        // Patient Root: the Patient ID above is required and must be the study's.
        Assert.Equal([w.Mr1], SortedSops(await RetrieveAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "STUDY", (DicomTags.PatientID, DicomVR.LO, w.PatientA), (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA2)))));
        Assert.Empty(await RetrieveAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "STUDY", (DicomTags.PatientID, DicomVR.LO, w.PatientB), (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA2))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => RetrieveAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "STUDY", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA2))));
    }

    [Fact]
    public async Task ResolveRetrieveAsync_PatientLevel_YieldsEveryInstanceOfThePatient()
    {
        World w = await SeedAsync();

        Assert.Equal([w.Ct1, w.Ct2, w.Sr1, w.Mr1], SortedSops(await RetrieveAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "PATIENT", (DicomTags.PatientID, DicomVR.LO, w.PatientA)))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => RetrieveAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "PATIENT", (DicomTags.PatientID, DicomVR.LO, w.Prefix + "*"))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "PATIENT", (DicomTags.PatientID, DicomVR.LO, w.PatientA))));
    }

    [Fact]
    public async Task ResolveRetrieveAsync_SeriesAndImageLevels_YieldTheListedOnes()
    {
        World w = await SeedAsync();

        Assert.Equal([w.Ct1, w.Ct2], SortedSops(await RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "SERIES", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1), (DicomTags.SeriesInstanceUID, DicomVR.UI, w.SeriesCt)))));
        Assert.Equal([w.Ct1, w.Ct2, w.Sr1], SortedSops(await RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "SERIES", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1), (DicomTags.SeriesInstanceUID, DicomVR.UI, w.SeriesCt + "\\" + w.SeriesSr)))));

        // A series of another study under this study's UID designates nothing.
        Assert.Empty(await RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "SERIES", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA2), (DicomTags.SeriesInstanceUID, DicomVR.UI, w.SeriesCt))));

        Assert.Equal([w.Ct1, w.Ct2], SortedSops(await RetrieveAsync(QueryRetrieveModel.PatientRoot, Identifier(
            "IMAGE",
            (DicomTags.PatientID, DicomVR.LO, w.PatientA),
            (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1),
            (DicomTags.SeriesInstanceUID, DicomVR.UI, w.SeriesCt),
            (DicomTags.SOPInstanceUID, DicomVR.UI, w.Ct1 + "\\" + w.Ct2)))));

        // An instance of another series under this series' UID designates nothing.
        Assert.Equal([w.Ct2], SortedSops(await RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "IMAGE",
            (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1),
            (DicomTags.SeriesInstanceUID, DicomVR.UI, w.SeriesCt),
            (DicomTags.SOPInstanceUID, DicomVR.UI, w.Ct2 + "\\" + w.Sr1)))));
    }

    [Fact]
    public async Task ResolveRetrieveAsync_MissingOrWildcardUniqueKeys_AreRefused()
    {
        World w = await SeedAsync();

        await Assert.ThrowsAsync<InvalidQueryException>(() => RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier("STUDY")));
        await Assert.ThrowsAsync<InvalidQueryException>(() => RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "STUDY", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1[..^2] + "*"))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "SERIES", (DicomTags.SeriesInstanceUID, DicomVR.UI, w.SeriesCt))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "SERIES", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1), (DicomTags.SeriesInstanceUID, DicomVR.UI, ""))));
        await Assert.ThrowsAsync<InvalidQueryException>(() => RetrieveAsync(QueryRetrieveModel.StudyRoot, Identifier(
            "IMAGE", (DicomTags.StudyInstanceUID, DicomVR.UI, w.StudyA1), (DicomTags.SeriesInstanceUID, DicomVR.UI, w.SeriesCt))));
    }

    private async Task<List<DicomDataset>> FindAsync(QueryRetrieveModel model, DicomDataset identifier)
    {
        await using PorticoDbContext db = database.CreateContext();
        return await ToListAsync(new DicomQueries(db).FindAsync(model, identifier, QueryLimits.Default, Ct));
    }

    private async Task<List<RetrieveCandidate>> RetrieveAsync(QueryRetrieveModel model, DicomDataset identifier)
    {
        await using PorticoDbContext db = database.CreateContext();
        var queries = new DicomQueries(db);
        List<RetrieveCandidate> candidates = await ToListAsync(queries.ResolveRetrieveAsync(model, identifier, Ct));
        Assert.Equal(candidates.Count, await queries.CountRetrieveAsync(model, identifier, Ct));
        return candidates;
    }

    /// <summary>The Study Instance UIDs a Study Root STUDY query of this world's patients with <paramref name="keys"/> matches.</summary>
    private async Task<string[]> StudiesWhereAsync(World w, params (DicomTag Tag, DicomVR VR, string Value)[] keys)
    {
        DicomDataset identifier = Identifier("STUDY", [(DicomTags.StudyInstanceUID, DicomVR.UI, ""), .. keys]);
        if (!identifier.Contains(DicomTags.PatientID))
        {
            identifier.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, w.Prefix + "*");
        }

        return StudyUids(await FindAsync(QueryRetrieveModel.StudyRoot, identifier));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (T item in source)
        {
            list.Add(item);
        }

        return list;
    }

    private static DicomDataset Identifier(string level, params (DicomTag Tag, DicomVR VR, string Value)[] keys)
    {
        var identifier = new DicomDataset();
        foreach ((DicomTag tag, DicomVR vr, string value) in keys.Where(k => k.Tag == DicomTags.SpecificCharacterSet))
        {
            identifier.AddOrUpdate(tag, vr, value); // first, so the other values are encoded in it
        }

        identifier.AddOrUpdate(DicomTags.QueryRetrieveLevel, DicomVR.CS, level);
        foreach ((DicomTag tag, DicomVR vr, string value) in keys.Where(k => k.Tag != DicomTags.SpecificCharacterSet))
        {
            identifier.AddOrUpdate(tag, vr, value);
        }

        return identifier;
    }

    private static string[] StudyUids(IEnumerable<DicomDataset> matches) => Sorted(matches, DicomTags.StudyInstanceUID);

    private static string[] SeriesUids(IEnumerable<DicomDataset> matches) => Sorted(matches, DicomTags.SeriesInstanceUID);

    private static string[] SopUids(IEnumerable<DicomDataset> matches) => Sorted(matches, DicomTags.SOPInstanceUID);

    private static string[] Sorted(IEnumerable<DicomDataset> matches, DicomTag tag) =>
        [.. matches.Select(m => m.GetString(tag) ?? "").Order(StringComparer.Ordinal)];

    private static string[] SortedSops(IEnumerable<RetrieveCandidate> candidates) =>
        [.. candidates.Select(c => c.SopInstanceUid).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Two patients: A (two studies: CT+SR on 1 Jan 2025 10:15:30, MR on 2 Jan 06:00) and B (one US study on
    /// 31 Dec 2024 23:59:59). UIDs are chosen so that their sort order is the order of the fields below.
    /// </summary>
    private async Task<World> SeedAsync()
    {
        string prefix = "Q" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        string root = "2.25." + string.Concat(Guid.NewGuid().ToByteArray().Take(6).Select(b => b.ToString("D3", CultureInfo.InvariantCulture)));
        var w = new World(
            prefix,
            PatientA: prefix + "-A",
            PatientB: prefix + "-B",
            StudyA1: root + ".1",
            StudyA2: root + ".2",
            StudyB1: root + ".3",
            SeriesCt: root + ".1.1",
            SeriesSr: root + ".1.2",
            Ct1: root + ".1.1.1",
            Ct2: root + ".1.1.2",
            Sr1: root + ".1.2.1",
            Mr1: root + ".2.1.1",
            Us1: root + ".3.1.1");

        var a = new Patient { PatientId = w.PatientA, PatientName = "MÜLLER^HANS", BirthDate = new DateOnly(1970, 1, 2), Sex = "M" };
        var b = new Patient { PatientId = w.PatientB, PatientName = "Doe^Jane", Sex = "F" };
        Study a1 = Study(a, w.StudyA1, new DateTime(2025, 1, 1, 10, 15, 30), "101530", prefix + "ACC1", "CT HEAD", "CT\\SR", "SMITH^ANNA", series: 2, instances: 3);
        Study a2 = Study(a, w.StudyA2, new DateTime(2025, 1, 2, 6, 0, 0), "0600", prefix + "ACC2", "MR KNEE", "MR", "Smithers^Bo", series: 1, instances: 1);
        Study b1 = Study(b, w.StudyB1, new DateTime(2024, 12, 31, 23, 59, 59), "235959", prefix + "B_1%", "US ABDOMEN", "US", "", series: 1, instances: 1);
        Series ct = Series(a1, w.SeriesCt, "CT", 1, "AXIAL", "HEAD", instances: 2);
        Series sr = Series(a1, w.SeriesSr, "SR", 2, "REPORT", "", instances: 1);
        Series mr = Series(a2, w.SeriesMr, "MR", 1, "SAG", "KNEE", instances: 1);
        Series us = Series(b1, w.SeriesUs, "US", 1, "", "ABDOMEN", instances: 1);

        await using PorticoDbContext db = database.CreateContext();
        db.AddRange(
            Instance(ct, w.Ct1, CtImageStorage, 1),
            Instance(ct, w.Ct2, CtImageStorage, 2),
            Instance(sr, w.Sr1, BasicTextSr, 1),
            Instance(mr, w.Mr1, MrImageStorage, 1),
            Instance(us, w.Us1, "1.2.840.10008.5.1.4.1.1.6.1", null));
        await db.SaveChangesAsync(Ct);
        return w;
    }

    private static Study Study(
        Patient patient, string uid, DateTime at, string time, string accession, string description, string modalities, string referring,
        int series, int instances) => new()
        {
            StudyInstanceUid = uid,
            Patient = patient,
            StudyDate = DateOnly.FromDateTime(at),
            StudyTime = time,
            StudyDateTime = at,
            AccessionNumber = accession,
            Description = description,
            Modalities = modalities,
            ReferringPhysicianName = referring,
            NumberOfSeries = series,
            NumberOfInstances = instances,
            SizeBytes = 1000 * instances,
            ReceivedAt = TestData.Received,
            LastReceivedAt = TestData.Received,
            SourceKind = IngestSourceKind.DicomIdentity,
            SourceName = "query-tests",
        };

    private static Series Series(Study study, string uid, string modality, int number, string description, string bodyPart, int instances) => new()
    {
        SeriesInstanceUid = uid,
        Study = study,
        Modality = modality,
        SeriesNumber = number,
        Description = description,
        BodyPartExamined = bodyPart,
        NumberOfInstances = instances,
    };

    private static Instance Instance(Series series, string uid, string sopClass, int? number) => new()
    {
        SopInstanceUid = uid,
        Series = series,
        SopClassUid = sopClass,
        InstanceNumber = number,
        TransferSyntaxUid = "1.2.840.10008.1.2.1",
        SizeBytes = 1000,
        Sha256 = new string('b', 64),
        BlobKey = "blobs/" + uid,
        ReceivedAt = TestData.Received,
        Source = new IngestSource(IngestSourceKind.DicomIdentity, "identity-1", "Room1_CT", "192.0.2.10:104"),
    };

    private sealed record World(
        string Prefix,
        string PatientA,
        string PatientB,
        string StudyA1,
        string StudyA2,
        string StudyB1,
        string SeriesCt,
        string SeriesSr,
        string Ct1,
        string Ct2,
        string Sr1,
        string Mr1,
        string Us1)
    {
        public string SeriesMr => StudyA2 + ".1";

        public string SeriesUs => StudyB1 + ".1";
    }
}
