using System.Buffers.Binary;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Dicom.Documents;
using Portico.Dicom.Uids;
using Portico.Index;
using Portico.Index.StressTests;
using Portico.Index.Studies;
using Portico.Ingest.Pipeline;
using Portico.Storage;
using Portico.Web.Security;

namespace Portico.Web.Features.StressTests;

/// <summary>
/// Imports a stress test (XML plus optional PDF): parse, match (FORMATS.md §4), then attach or create (§4.5). The one
/// implementation behind <c>POST /api/stress-tests</c>, the + menu dialog and, through the API, the watch-folder agent.
/// Nothing is stored unless the whole upload is accepted; the same XML imported again changes nothing.
/// </summary>
public sealed partial class StressTestIntake(
    PorticoDbContext db,
    StressTestReader reader,
    StressTestMatcher matcher,
    IngestPipeline pipeline,
    IBlobStore blobs,
    IOptions<StressTestOptions> options,
    TimeProvider clock,
    ILogger<StressTestIntake> logger)
{
    public const string SeriesDescription = "Exercise stress test report";
    public const string DocumentTitle = "Exercise Stress Test Report";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<StressTestImportResult> ImportAsync(StressTestImportRequest request, ClaimsPrincipal user, string? remoteAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(user);
        if (Validate(request) is { } refused)
        {
            return refused;
        }

        StressTestParseResult parsed = reader.Read(request.Xml);
        if (parsed.Test is not { } test)
        {
            return StressTestImportResult.Refused(parsed.Refusal, parsed.Message!);
        }

        if (await AlreadyImportedAsync(test.SourceFileSha256, cancellationToken) is { } existing)
        {
            return existing;
        }

        var actor = new Actor(user, remoteAddress, user.ToIngestSource(remoteAddress));
        if (!string.IsNullOrWhiteSpace(request.TargetStudyInstanceUid))
        {
            return await ImportToChosenStudyAsync(request, test, request.TargetStudyInstanceUid.Trim(), actor, cancellationToken);
        }

        List<StressTestCandidate> candidates = await matcher.FindCandidatesAsync(test, cancellationToken);
        List<StressTestCandidate> conflicts = [.. candidates.Where(c => c.Identity == IdentityMatch.Conflict)];
        if (conflicts.Count > 0)
        {
            return ConflictResult(conflicts);
        }

        if (candidates.Count == 1 && (candidates[0].Identity == IdentityMatch.Strong || options.Value.AutoAttachOnDemographicMatch))
        {
            StressTestCandidate only = candidates[0];
            string matchedBy = only.Identity == IdentityMatch.Strong ? "Patient ID" : "Name and birth date";
            return await AttachAsync(request, test, only.StudyInstanceUid, matchedBy, actor, cancellationToken);
        }

        if (candidates.Count > 0)
        {
            return new StressTestImportResult
            {
                Outcome = StressTestOutcome.Ambiguous,
                Message = candidates.Count == 1
                    ? "One stress echo matches by name and birth date only: choose it to attach the stress test, or create a new study."
                    : $"{candidates.Count} stress echo studies of this patient match: choose the one the stress test belongs to.",
                Candidates = candidates,
            };
        }

        return await CreateAsync(request, test, actor, cancellationToken);
    }

    /// <summary>Sizes and the PDF's signature, before anything is parsed or stored (the upload is atomic).</summary>
    private StressTestImportResult? Validate(StressTestImportRequest request)
    {
        StressTestOptions limits = options.Value;
        if (request.Xml is not { Length: > 0 })
        {
            return StressTestImportResult.Refused(StressTestRefusal.Missing, "Choose the stress test's XML file: it is required.");
        }

        if (request.Xml.Length > limits.MaxXmlBytes)
        {
            return StressTestImportResult.Refused(StressTestRefusal.TooLarge, $"The XML file is larger than the limit of {limits.MaxXmlBytes / (1024 * 1024)} MB.");
        }

        if (request.Pdf is { } pdf)
        {
            if (pdf.Length > limits.MaxPdfBytes)
            {
                return StressTestImportResult.Refused(StressTestRefusal.TooLarge, $"The PDF file is larger than the limit of {limits.MaxPdfBytes / (1024 * 1024)} MB.");
            }

            if (!EncapsulatedPdf.IsPdf(pdf))
            {
                return StressTestImportResult.Refused(StressTestRefusal.NotPdf, "The report is not a PDF file (it does not start with %PDF-). Nothing was imported.");
            }
        }

        return null;
    }

    private async Task<StressTestImportResult?> AlreadyImportedAsync(string sha256, CancellationToken cancellationToken)
    {
        var existing = await db.StressTestAttachments.AsNoTracking().Where(a => a.XmlSha256 == sha256)
            .Select(a => new { a.Study.StudyInstanceUid, a.MatchedBy, a.PdfSopInstanceUid })
            .FirstOrDefaultAsync(cancellationToken);
        return existing is null
            ? null
            : new StressTestImportResult
            {
                Outcome = StressTestOutcome.AlreadyImported,
                StudyInstanceUid = existing.StudyInstanceUid,
                MatchedBy = existing.MatchedBy,
                PdfSopInstanceUid = existing.PdfSopInstanceUid,
                Message = "This stress test was imported before; nothing changed.",
            };
    }

    private static StressTestImportResult ConflictResult(List<StressTestCandidate> conflicts) => new()
    {
        Outcome = StressTestOutcome.Conflict,
        Message = "The Patient ID matches a stress echo, but the birth date or sex differ. Review the patient: attach only after confirming it is the same person.",
        Candidates = conflicts,
    };

    /// <summary>A person's choice overrides the matching rule, except an identity conflict, which needs a confirmation (§4.5).</summary>
    private async Task<StressTestImportResult> ImportToChosenStudyAsync(StressTestImportRequest request, StressTest test, string studyUid, Actor actor, CancellationToken cancellationToken)
    {
        var study = await db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid)
            .Select(s => new
            {
                s.StudyDate,
                s.StudyTime,
                s.StudyDateTime,
                s.Description,
                s.Modalities,
                Patient = new DicomPatient(s.Patient.PatientId, s.Patient.IssuerOfPatientId, s.Patient.PatientName, s.Patient.BirthDate, s.Patient.Sex),
                HasAttachment = db.StressTestAttachments.Any(a => a.StudyId == s.Id),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (study is null)
        {
            return StressTestImportResult.Refused(StressTestRefusal.StudyNotFound, "The chosen study does not exist (any more).");
        }

        if (study.HasAttachment)
        {
            return StressTestImportResult.Refused(StressTestRefusal.StudyHasStressTest, "The chosen study already has a stress test from another file.");
        }

        IdentityMatch identity = PatientIdentity.Compare(test.Patient, study.Patient, options.Value.AllowDemographicFallbackWhenIdsDiffer);
        if (identity == IdentityMatch.Conflict && !request.Confirm)
        {
            double? hours = null;
            if (test.Start is { } start)
            {
                StressTestMatcher.InWindow(start, study.StudyDate, study.StudyTime, study.StudyDateTime, TimeSpan.MaxValue, out hours);
            }

            return ConflictResult(
                [StressTestCandidate.Of(studyUid, study.StudyDate, study.StudyTime, study.Description, study.Modalities, study.Patient, identity, hours)]);
        }

        string matchedBy = identity == IdentityMatch.Conflict ? "Chosen, identity conflict confirmed" : "Chosen by a person";
        return await AttachAsync(request, test, studyUid, matchedBy, actor, cancellationToken);
    }

    /// <summary>Attach (§4.5): the PDF becomes a DOC series of the study with the study's demographics; the XML is kept.</summary>
    private async Task<StressTestImportResult> AttachAsync(StressTestImportRequest request, StressTest test, string studyUid, string matchedBy, Actor actor, CancellationToken cancellationToken)
    {
        Study study = await db.Studies.AsNoTracking().Include(s => s.Patient).FirstAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        var warnings = new List<string>(test.Warnings);
        var dicom = new DicomPatient(study.Patient.PatientId, study.Patient.IssuerOfPatientId, study.Patient.PatientName, study.Patient.BirthDate, study.Patient.Sex);
        if (DemographicsDiffer(test.Patient, dicom))
        {
            LogDemographicsDiffer(logger, studyUid, test.SourceFileSha256);
            warnings.Add("The patient's name, birth date or sex in the XML differ from the study's; the study's were kept.");
        }

        string? pdfUid = null;
        if (request.Pdf is { } pdf)
        {
            int seriesNumber = (await db.Series.AsNoTracking().Where(s => s.StudyId == study.Id).MaxAsync(s => s.SeriesNumber, cancellationToken) ?? 0) + 1;
            var document = new EncapsulatedPdfRequest
            {
                StudyInstanceUid = study.StudyInstanceUid,
                SeriesInstanceUid = DerivedUid(test.SourceFileSha256, "series"),
                SopInstanceUid = DerivedUid(test.SourceFileSha256, "pdf"),
                PatientName = study.Patient.PatientName,
                PatientId = study.Patient.PatientId,
                IssuerOfPatientId = study.Patient.IssuerOfPatientId,
                PatientBirthDate = study.Patient.BirthDate,
                PatientSex = study.Patient.Sex,
                StudyDate = study.StudyDate,
                StudyTime = study.StudyTime,
                StudyDescription = study.Description,
                AccessionNumber = study.AccessionNumber,
                ReferringPhysicianName = study.ReferringPhysicianName,
                SeriesNumber = seriesNumber,
                SeriesDescription = SeriesDescription,
                Manufacturer = test.Vendor == "GE CardioSoft" ? "GE Healthcare" : "",
                ContentDateTime = test.Start,
                DocumentTitle = DocumentTitle,
            };
            if (await StorePdfAsync(document, pdf, actor, cancellationToken) is { } notStored)
            {
                return notStored;
            }

            pdfUid = document.SopInstanceUid;
        }

        return await SaveAttachmentAsync(request, test, study.Id, studyUid, pdfUid, matchedBy, StressTestOutcome.Attached, unmatched: false, warnings, actor, cancellationToken);
    }

    /// <summary>
    /// Create (§4.5): a new study from the XML (or under the known patient), carried by the PDF report as an Encapsulated
    /// PDF instance, or, without a PDF, by a one-page summary Portico generates (a study needs an instance to exist).
    /// </summary>
    private async Task<StressTestImportResult> CreateAsync(StressTestImportRequest request, StressTest test, Actor actor, CancellationToken cancellationToken)
    {
        DicomPatient? known = await matcher.FindKnownPatientAsync(test, cancellationToken);
        StressTestPatient p = test.Patient;
        string name = known?.PatientName ?? string.Join('^', new[] { p.FamilyName ?? "", p.GivenName ?? "" }).TrimEnd('^');
        bool generated = request.Pdf is null;
        byte[] pdf = request.Pdf ?? SummaryPdf.Create(StressTestFormat.Lines(test));
        string studyUid = DerivedUid(test.SourceFileSha256, "study");
        var document = new EncapsulatedPdfRequest
        {
            StudyInstanceUid = studyUid,
            SeriesInstanceUid = DerivedUid(test.SourceFileSha256, "series"),
            SopInstanceUid = DerivedUid(test.SourceFileSha256, "pdf"),
            PatientName = name,
            PatientId = known?.PatientId ?? p.Id ?? "",
            IssuerOfPatientId = known?.IssuerOfPatientId ?? "",
            PatientBirthDate = known?.BirthDate ?? p.BirthDate,
            PatientSex = known?.Sex ?? p.Sex ?? "",
            StudyDate = test.Start is { } s ? DateOnly.FromDateTime(s) : null,
            StudyTime = test.Start?.ToString("HHmmss", CultureInfo.InvariantCulture) ?? "",
            StudyDescription = "Exercise stress test" + (test.ProtocolName is { } protocol ? " – " + protocol : ""),
            AccessionNumber = test.OrderNumber ?? "",
            SeriesNumber = 1,
            SeriesDescription = generated ? "Exercise stress test summary (generated)" : SeriesDescription,
            Manufacturer = test.Vendor == "GE CardioSoft" ? "GE Healthcare" : "",
            ContentDateTime = test.Start,
            DocumentTitle = generated ? "Exercise Stress Test Summary" : DocumentTitle,
        };
        if (await StorePdfAsync(document, pdf, actor, cancellationToken) is { } notStored)
        {
            return notStored;
        }

        StudyId studyId = await db.Studies.AsNoTracking().Where(x => x.StudyInstanceUid == studyUid).Select(x => x.Id).FirstAsync(cancellationToken);
        string matchedBy = known is null ? "New study, unmatched identity" : "New study for a known patient";
        return await SaveAttachmentAsync(request, test, studyId, studyUid, document.SopInstanceUid, matchedBy, StressTestOutcome.Created, unmatched: known is null, [.. test.Warnings], actor, cancellationToken);
    }

    /// <summary>Builds the Encapsulated PDF and stores it through the ingest pipeline; a refusal when it was not stored.</summary>
    private async Task<StressTestImportResult?> StorePdfAsync(EncapsulatedPdfRequest document, byte[] pdf, Actor actor, CancellationToken cancellationToken)
    {
        byte[] bytes = await EncapsulatedPdf.ToBytesAsync(EncapsulatedPdf.Build(document, pdf), cancellationToken);
        string path = Path.Combine(pipeline.TempDirectory, "stress-test-" + Guid.NewGuid().ToString("N") + ".dcm");
        Directory.CreateDirectory(pipeline.TempDirectory);
        await File.WriteAllBytesAsync(path, bytes, cancellationToken);
        IngestOutcome outcome = await pipeline.IngestFileAsync(path, actor.Source, cancellationToken);

        // The UIDs derive from the XML's hash: after an interrupted import the instance may already be there.
        if (outcome.Status is IngestStatus.Stored or IngestStatus.Duplicate or IngestStatus.Conflict)
        {
            return null;
        }

        return StressTestImportResult.Refused(StressTestRefusal.NotStored, "The PDF report could not be stored: " + outcome.Reason);
    }

    private async Task<StressTestImportResult> SaveAttachmentAsync(
        StressTestImportRequest request, StressTest test, StudyId studyId, string studyUid, string? pdfUid, string matchedBy, StressTestOutcome outcome, bool unmatched, List<string> warnings, Actor actor, CancellationToken cancellationToken)
    {
        // The blob first, then the row that points to it (DESIGN.md: nothing is half-stored).
        BlobInfo blob;
        using (var content = new MemoryStream(request.Xml, writable: false))
        {
            blob = await blobs.WriteAsync(content, options.Value.MaxXmlBytes, cancellationToken);
        }

        var attachment = new StressTestAttachment
        {
            StudyId = studyId,
            XmlSha256 = test.SourceFileSha256,
            XmlBlobKey = blob.Key.Sha256Hex,
            XmlSizeBytes = request.Xml.Length,
            XmlFileName = Path.GetFileName(request.XmlFileName) is { Length: > 0 } fileName ? IndexLimits.Fit(fileName, IndexLimits.NameMaxLength) : "stress-test.xml",
            Vendor = test.Vendor,
            TestStart = test.Start is { } start ? DateTime.SpecifyKind(start, DateTimeKind.Utc) : null,
            SummaryJson = JsonSerializer.Serialize(test, Json),
            PdfSopInstanceUid = pdfUid,
            MatchedBy = matchedBy,
            ImportedAt = clock.GetUtcNow().UtcDateTime,
            ImportedBy = actor.User.Actor(),
        };
        db.StressTestAttachments.Add(attachment);
        string details = JsonSerializer.Serialize(new { sha256 = test.SourceFileSha256, vendor = test.Vendor, matchedBy, pdfSopInstanceUid = pdfUid, unmatchedIdentity = unmatched }, Json);
        db.AuditEntries.Add(AuditRecords.Create(actor.User, actor.RemoteAddress, clock, outcome == StressTestOutcome.Created ? "StressTest.Created" : "StressTest.Attached", studyUid, details));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same file imported at the same moment by someone else: theirs won, and this is a re-import.
            db.ChangeTracker.Clear();
            if (await AlreadyImportedAsync(test.SourceFileSha256, cancellationToken) is { } existing)
            {
                return existing;
            }

            throw;
        }

        LogImported(logger, outcome.ToString(), studyUid, test.SourceFileSha256, matchedBy);
        return new StressTestImportResult
        {
            Outcome = outcome,
            StudyInstanceUid = studyUid,
            MatchedBy = matchedBy,
            PdfSopInstanceUid = pdfUid,
            UnmatchedIdentity = unmatched,
            Warnings = warnings,
            Message = outcome == StressTestOutcome.Created
                ? unmatched ? "A new study was created from the stress test (no known patient matched: check the identity)." : "A new study was created for the patient from the stress test."
                : "The stress test was attached to the patient's stress echo study.",
        };
    }

    private static bool DemographicsDiffer(StressTestPatient xml, DicomPatient dicom)
    {
        (string family, string given) = PatientIdentity.SplitPersonName(dicom.PatientName);
        bool name = (xml.FamilyName is not null && PatientIdentity.NormalizeName(xml.FamilyName) != PatientIdentity.NormalizeName(family))
            || (xml.GivenName is not null && PatientIdentity.NormalizeName(xml.GivenName) != PatientIdentity.NormalizeName(given));
        bool birth = xml.BirthDate is { } b && dicom.BirthDate is { } d && b != d;
        bool sex = xml.Sex is "M" or "F" && dicom.Sex is "M" or "F" && xml.Sex != dicom.Sex;
        return name || birth || sex;
    }

    /// <summary>
    /// A UID derived from the XML's SHA-256 and a purpose (2.25 + a name-based UUID, PS3.5 §B.2): importing the same file
    /// again after an interruption makes the same study, series and instance, never a second copy.
    /// </summary>
    public static string DerivedUid(string sha256, string purpose)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes("portico-stress-test:" + sha256 + ":" + purpose), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8 (RFC 9562 §5.8)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        UInt128 value = BinaryPrimitives.ReadUInt128BigEndian(hash[..16]);
        return UidGenerator.UuidRoot + value.ToString(CultureInfo.InvariantCulture);
    }

    private sealed record Actor(ClaimsPrincipal User, string? RemoteAddress, IngestSource Source);

    [LoggerMessage(5910, LogLevel.Information, "Stress test {Outcome}: study {StudyInstanceUid}, XML {Sha256}, matched by {MatchedBy}")]
    private static partial void LogImported(ILogger logger, string outcome, string studyInstanceUid, string sha256, string matchedBy);

    [LoggerMessage(5911, LogLevel.Warning, "Stress test attached to study {StudyInstanceUid}: the XML's demographics differ from the study's (XML {Sha256}); the study's were kept")]
    private static partial void LogDemographicsDiffer(ILogger logger, string studyInstanceUid, string sha256);
}
