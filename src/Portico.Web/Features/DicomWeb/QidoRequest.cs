using System.Globalization;
using Microsoft.Extensions.Primitives;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Index.QueryRetrieve;

namespace Portico.Web.Features.DicomWeb;

/// <summary>
/// A QIDO-RS search (PS3.18 §10.6) turned into a C-FIND identifier for <see cref="DicomQueries"/>: the same matching
/// as the DICOM network's C-FIND (single value, wildcards, ranges, UID lists), so both give the same answers.
/// </summary>
/// <param name="Identifier">Matching keys from the query string and the path, return keys from the level's defaults and <c>includefield</c>.</param>
/// <param name="Limit">Matches returned at most (<c>limit</c>; <see cref="MaxLimit"/> when absent or larger).</param>
/// <param name="Offset">Matches skipped first (<c>offset</c>).</param>
/// <param name="Relational">True when the search spans the levels above (all series, all instances, a study's instances).</param>
/// <param name="Unsupported">Keys given a value that the index cannot match on; they are ignored and named in a Warning header.</param>
public sealed record QidoRequest(DicomDataset Identifier, int Limit, int Offset, bool Relational, IReadOnlyList<string> Unsupported)
{
    /// <summary>Matches in one response at most; a client pages past it with <c>offset</c>.</summary>
    public const int MaxLimit = 1_000;

    private static readonly HashSet<string> Controls = new(StringComparer.OrdinalIgnoreCase) { "limit", "offset", "includefield", "fuzzymatching" };

    // PS3.18 Tables 10.6.3-3 to -5: what each level returns without includefield, as far as the index holds it.
    private static readonly DicomTag[] StudyDefaults =
    [
        DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.AccessionNumber, DicomTags.ModalitiesInStudy,
        DicomTags.ReferringPhysicianName, DicomTags.PatientName, DicomTags.PatientID, DicomTags.PatientBirthDate,
        DicomTags.PatientSex, DicomTags.StudyInstanceUID, DicomTags.StudyID, DicomTags.StudyDescription,
        DicomTags.NumberOfStudyRelatedSeries, DicomTags.NumberOfStudyRelatedInstances,
    ];

    private static readonly DicomTag[] SeriesDefaults =
    [
        DicomTags.Modality, DicomTags.SeriesDescription, DicomTags.SeriesInstanceUID, DicomTags.SeriesNumber,
        DicomTags.BodyPartExamined, DicomTags.NumberOfSeriesRelatedInstances,
    ];

    private static readonly DicomTag[] InstanceDefaults = [DicomTags.SOPClassUID, DicomTags.SOPInstanceUID, DicomTags.InstanceNumber];

    /// <summary>
    /// Reads the query string of a search at <paramref name="level"/> (Study, Series or Image), within the study and
    /// series the path names, if any.
    /// </summary>
    /// <exception cref="InvalidQueryException">An unknown attribute, a value that is not one, or a bad limit or offset.</exception>
    public static QidoRequest Parse(QueryRetrieveLevel level, string? studyUid, string? seriesUid, IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var identifier = new DicomDataset();
        identifier.AddOrUpdate(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        identifier.AddOrUpdate(DicomTags.QueryRetrieveLevel, DicomVR.CS, level.ToString().ToUpperInvariant());
        var returnKeys = new List<DicomTag>(Defaults(level, studyUid, seriesUid));
        var unsupported = new List<string>();
        int limit = MaxLimit;
        int offset = 0;
        foreach ((string name, StringValues values) in query)
        {
            if (Controls.Contains(name))
            {
                switch (name.ToLowerInvariant())
                {
                    case "limit":
                        limit = Math.Min(Number(name, values), MaxLimit);
                        break;
                    case "offset":
                        offset = Number(name, values);
                        break;
                    case "includefield":
                        returnKeys.AddRange(IncludeFields(level, values));
                        break;
                }

                continue; // fuzzymatching: names are matched as C-FIND does, whatever is asked
            }

            DicomDictionaryEntry entry = Attribute(name);
            string value = Value(entry, values);
            if (DicomQueries.CanMatch(entry.Tag))
            {
                identifier.AddOrUpdate(entry.Tag, VR(entry), value);
            }
            else if (value.Length > 0)
            {
                unsupported.Add(entry.Keyword);
            }
            else
            {
                returnKeys.Add(entry.Tag);
            }
        }

        if (limit == 0)
        {
            throw new InvalidQueryException("limit must be at least 1");
        }

        PinUid(identifier, DicomTags.StudyInstanceUID, studyUid);
        PinUid(identifier, DicomTags.SeriesInstanceUID, seriesUid);
        foreach (DicomTag tag in returnKeys.Distinct())
        {
            if (!identifier.Contains(tag) && DicomDictionary.Find(tag) is { } entry)
            {
                identifier.Add(new DicomElement(tag, VR(entry), ReadOnlyMemory<byte>.Empty));
            }
        }

        bool relational = (level == QueryRetrieveLevel.Series && studyUid is null) || (level == QueryRetrieveLevel.Image && seriesUid is null);
        return new QidoRequest(identifier, limit, offset, relational, unsupported);
    }

    private static DicomTag[] Defaults(QueryRetrieveLevel level, string? studyUid, string? seriesUid) => level switch
    {
        QueryRetrieveLevel.Study => StudyDefaults,
        QueryRetrieveLevel.Series => studyUid is null ? [.. StudyDefaults, .. SeriesDefaults] : SeriesDefaults,
        _ => (studyUid, seriesUid) switch
        {
            (null, _) => [.. StudyDefaults, .. SeriesDefaults, .. InstanceDefaults],
            (_, null) => [.. SeriesDefaults, .. InstanceDefaults],
            _ => InstanceDefaults,
        },
    };

    /// <summary><c>includefield=all</c> or a comma-separated list of keywords or tags; may repeat.</summary>
    private static IEnumerable<DicomTag> IncludeFields(QueryRetrieveLevel level, StringValues values)
    {
        foreach (string field in values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (field.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                foreach (DicomTag tag in DicomQueries.ReturnKeysAt(level))
                {
                    yield return tag;
                }
            }
            else
            {
                yield return Attribute(field).Tag;
            }
        }
    }

    /// <summary>A keyword (<c>PatientName</c>) or a tag as eight hexadecimal digits (<c>00100010</c>).</summary>
    private static DicomDictionaryEntry Attribute(string name)
    {
        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw new InvalidQueryException($"'{name}': searching inside sequences is not supported");
        }

        DicomDictionaryEntry? entry = name.Length == 8 && name.All(char.IsAsciiHexDigit) && DicomTag.TryParse(name, out DicomTag tag)
            ? DicomDictionary.Find(tag)
            : DicomDictionary.Find(name);
        return entry is { Keyword.Length: > 0 } && !entry.Tag.IsPrivate
            ? entry
            : throw new InvalidQueryException($"'{name}' is not a DICOM attribute keyword or tag");
    }

    /// <summary>One value; a UID list may come as repeated parameters or comma-separated (PS3.18 §8.3.4.1).</summary>
    private static string Value(DicomDictionaryEntry entry, StringValues values)
    {
        bool uid = VR(entry) == DicomVR.UI;
        if (values.Count > 1 && !uid)
        {
            throw new InvalidQueryException($"{entry.Keyword} is given more than once");
        }

        string joined = string.Join('\\', values.Select(v => v ?? ""));
        return uid ? joined.Replace(',', '\\') : joined;
    }

    private static void PinUid(DicomDataset identifier, DicomTag tag, string? uid)
    {
        if (uid is null)
        {
            return;
        }

        if (identifier.GetString(tag) is { Length: > 0 } given && given.Trim() != uid)
        {
            throw new InvalidQueryException($"{DicomDictionary.Find(tag)!.Keyword} in the query differs from the one in the path");
        }

        identifier.AddOrUpdate(tag, DicomVR.UI, uid);
    }

    private static int Number(string name, StringValues values) =>
        values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            ? number
            : throw new InvalidQueryException($"{name} must be one whole number");

    private static DicomVR VR(DicomDictionaryEntry entry) => entry.ImplicitVR == DicomVR.OW ? DicomVR.OB : entry.ImplicitVR;
}
