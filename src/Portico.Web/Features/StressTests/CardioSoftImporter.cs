using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Portico.Web.Features.StressTests;

/// <summary>
/// GE CardioSoft / CASE <c>&lt;CardiologyXML&gt;</c> exercise exports (FORMATS.md §1). Read with a forward-only
/// <see cref="XmlReader"/> (no DTD processing, no resolver); the waveform subtrees are skipped, every other top-level
/// block is small and loaded on its own. Every field is optional; empty text is null, never 0 (§1.3).
/// </summary>
public sealed class CardioSoftImporter : IStressTestImporter
{
    public const string RootName = "CardiologyXML";

    /// <summary>Waveform blocks intake does not need (§1.1.4): skipped unread.</summary>
    private static readonly HashSet<string> Waveforms = new(StringComparer.Ordinal) { "FullDisclosure", "StripData", "MedianData", "ArrhythmiaData", "TWACycleData" };

    private const decimal KgPerPound = 0.45359237m;
    private const decimal CmPerInch = 2.54m;

    /// <summary>More than anyone has weighed or measured: a larger value is a damaged file.</summary>
    private const decimal MaxWeightKg = 700m;

    private const decimal MaxHeightCm = 300m;

    public string Vendor => "GE CardioSoft";

    public bool CanRead(string rootLocalName, string rootNamespace) => rootLocalName == RootName && rootNamespace.Length == 0;

    /// <summary>Safe settings (§1.1.5): a DOCTYPE is ignored, nothing is fetched; the declared encoding (ISO8859-1) is honoured.</summary>
    public static XmlReaderSettings ReaderSettings => new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };

    public StressTestParseResult Parse(Stream xml, string sha256)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var root = new XElement(RootName);
        using (var reader = XmlReader.Create(xml, ReaderSettings))
        {
            reader.MoveToContent();
            if (reader.IsEmptyElement)
            {
                reader.Read();
            }
            else
            {
                reader.Read();
                while (reader.NodeType != XmlNodeType.EndElement && !reader.EOF)
                {
                    if (reader.NodeType != XmlNodeType.Element)
                    {
                        reader.Read();
                    }
                    else if (Waveforms.Contains(reader.LocalName))
                    {
                        reader.Skip();
                    }
                    else
                    {
                        root.Add(XNode.ReadFrom(reader));
                    }
                }

                // Reads to the end: anything malformed after the root still refuses the file.
                while (reader.Read())
                {
                }
            }
        }

        bool exercise = root.Element("ExerciseMeasurements") is not null
            || root.Element("Protocol")?.Element("Phase") is not null
            || root.Element("TrendData")?.Element("TrendEntry") is not null;
        if (!exercise)
        {
            return StressTestParseResult.Refused(StressTestRefusal.RestingEcg, "This is a resting ECG, not a stress test: the file has no exercise measurements, protocol phases or trend data.");
        }

        return StressTestParseResult.Parsed(Read(root, sha256));
    }

    private StressTest Read(XElement root, string sha256)
    {
        var warnings = new List<string>();
        XElement? patient = root.Element("PatientInfo");
        XElement? visit = root.Element("PatientVisit");
        XElement? measurements = root.Element("ExerciseMeasurements");
        XElement? protocol = root.Element("Protocol");
        List<StressPhase> phases = [.. (protocol?.Elements("Phase") ?? []).Select(ReadPhase)];
        List<TrendEntry> trend = [.. (root.Element("TrendData")?.Elements("TrendEntry") ?? []).Select(ReadTrendEntry)];
        List<string> interpretation = InterpretationLines(root.Element("Interpretation"));
        XElement? device = root.Element("ClinicalInfo")?.Element("DeviceInfo");
        XElement? maxSt = measurements?.Element("MaxSTStats");
        XElement? target = measurements?.Element("TargetHeartRate");

        return new StressTest
        {
            Vendor = Vendor,
            SourceFileSha256 = sha256,
            ObservationType = Text(root.Element("ObservationType")),
            Start = DateTimeFrom(root.Element("ObservationDateTime"), "start", warnings),
            End = DateTimeFrom(root.Element("ObservationEndDateTime"), "end", warnings),
            Patient = new StressTestPatient
            {
                Id = Text(patient?.Element("PID")) is { } id ? NormalizeId(id) : null,
                FamilyName = Text(patient?.Element("Name")?.Element("FamilyName")),
                GivenName = Text(patient?.Element("Name")?.Element("GivenName")),
                BirthDate = DateFrom(patient?.Element("BirthDateTime"), "birth", warnings),
                Sex = Sex(Text(patient?.Element("Gender"))),
                AgeYears = Unit(patient?.Element("Age")) is null or "YEARS" ? Int(patient?.Element("Age")) : null,
                WeightKg = Weight(patient?.Element("Weight"), warnings),
                HeightCm = Height(patient?.Element("Height"), warnings),
            },
            OrderNumber = Text(visit?.Element("OrderNumber")),
            Facility = Text(visit?.Element("AssignedPatientLocation")?.Element("Facility")),
            Device = string.Join(' ', new[] { Text(device?.Element("Desc")), Text(device?.Element("SoftwareVer")) }.OfType<string>()) is { Length: > 0 } d ? d : null,
            ProtocolDevice = Text(protocol?.Element("Device")),
            ProtocolName = phases.Count > 0 ? (protocol!.Elements("Phase").Select(p => Text(p.Element("ProtocolName"))).FirstOrDefault(n => n is not null)) : null,
            RestingBp = Pressure(visit?.Element("SysBP"), visit?.Element("DiaBP")),
            ExerciseDuration = Duration(measurements?.Element("ExercisePhaseTime")),
            MaxHr = Int(measurements?.Element("MaxHeartRate")),
            MaxPredictedHr = Int(measurements?.Element("MaxPredictedHR")),
            PercentMaxPredicted = Number(measurements?.Element("PercentAchievedMaxPredicted"))?.Value ?? Number(measurements?.Element("PeakPercentMaxPredicted"))?.Value,
            TargetHr = Int(target),
            TargetHrAchieved = target?.Attribute("achieved")?.Value.Trim().ToUpperInvariant() switch
            {
                "YES" or "TRUE" or "1" => true,
                "NO" or "FALSE" or "0" => false,
                _ => null,
            },
            RestHr = Int(measurements?.Element("RestingStats")?.Element("RestHR")),
            PeakMets = Number(measurements?.Element("PeakExStats")?.Element("PeakExMets"))?.Value ?? trend.Max(t => t.Mets),
            MaxWorkload = Number(measurements?.Element("MaxWorkload")) is { } w ? new Measure(w.Value, Unit(measurements!.Element("MaxWorkload"))) : null,
            MaxSt = maxSt?.Element("MaxSTAmplitude") is { } amplitude && Number(amplitude) is { } st
                ? new MaxStChange(NormalizeLead(amplitude.Attribute("lead")?.Value), st.Value, Unit(amplitude), Duration(maxSt.Element("MaxSTTime")))
                : null,
            PeakBp = trend.Where(t => t.Bp is not null).MaxBy(t => t.Bp!.Systolic)?.Bp,
            Phases = phases,
            Trend = trend,
            InterpretationLines = interpretation,
            TerminationReason = TerminationReason(interpretation),
            Warnings = warnings,
        };
    }

    private static StressPhase ReadPhase(XElement phase) => new(
        Text(phase.Element("PhaseName")) ?? "",
        Duration(phase.Element("PhaseDuration")),
        [.. phase.Elements("Stage").Select(s => new StressStage(
            int.TryParse(s.Attribute("idx")?.Value ?? s.Attribute("Idx")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : null,
            Text(s.Element("StageName")),
            Duration(s.Element("StageDuration"))))]);

    private static TrendEntry ReadTrendEntry(XElement entry) => new()
    {
        EntryTime = Duration(entry.Element("EntryTime")),
        Phase = Text(entry.Element("PhaseName")),
        PhaseTime = Duration(entry.Element("PhaseTime")),
        StageNumber = Int(entry.Element("StageNumber")),
        Stage = Text(entry.Element("StageName")),
        HeartRate = Int(entry.Element("HeartRate")),
        Mets = Number(entry.Element("Mets"))?.Value,
        Load = MeasureOf(entry.Element("Load")),
        Grade = MeasureOf(entry.Element("Grade")),
        Speed = MeasureOf(entry.Element("Speed")),
        Bp = Pressure(entry.Element("SysBP"), entry.Element("DiaBP")),
        ArtifactPercent = Number(entry.Element("Artifact"))?.Value,
        Leads = [.. entry.Elements("LeadMeasurements").Select(l => new LeadMeasurement(
            NormalizeLead(l.Attribute("lead")?.Value) ?? "",
            Number(l.Element("STAmplitude")),
            Number(l.Element("STSlope")),
            Number(l.Element("JPointAmplitude")),
            Unit(l.Element("STAmplitude")) ?? Unit(l.Element("JPointAmplitude"))))],
    };

    /// <summary>Both shapes (§1.2): plain text, or Diagnosis/DiagnosisText and Conclusion/ConclusionText lines.</summary>
    private static List<string> InterpretationLines(XElement? interpretation)
    {
        if (interpretation is null)
        {
            return [];
        }

        IEnumerable<string> lines = interpretation.HasElements
            ? interpretation.Descendants().Where(e => !e.HasElements).Select(e => e.Value)
            : interpretation.Value.Split('\n');
        return [.. lines.Select(l => l.Trim()).Where(l => l.Length > 0)];
    }

    /// <summary>No dedicated element is known (§1.2, UNVERIFIED): a line starting "Reason for termination" or "Test terminated".</summary>
    public static string? TerminationReason(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (string line in lines)
        {
            foreach (string prefix in (string[])["Reason for termination", "Test terminated"])
            {
                if (line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    string rest = line[prefix.Length..].TrimStart(' ', ':', '-').Trim();
                    return rest.Length > 0 ? rest : line;
                }
            }
        }

        return null;
    }

    /// <summary>Trim and collapse inner whitespace (§4.1); leading zeros are kept.</summary>
    public static string NormalizeId(string id) => string.Join(' ', id.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>UK Biobank files label leads <c>2</c>, <c>3</c> for II, III (§1.3).</summary>
    public static string? NormalizeLead(string? lead) => lead?.Trim() switch
    {
        null or "" => null,
        "2" => "II",
        "3" => "III",
        { } other => other,
    };

    private static string? Sex(string? gender) => gender?.ToUpperInvariant() switch
    {
        null => null,
        "MALE" or "M" => "M",
        "FEMALE" or "F" => "F",
        _ => "O",
    };

    private static string? Text(XElement? element) => element?.Value.Trim() is { Length: > 0 } text ? text : null;

    private static string? Unit(XElement? element) => element?.Attribute("units")?.Value.Trim() is { Length: > 0 } unit ? unit : null;

    /// <summary>Invariant culture; a trailing % stripped; a <c>?</c> alone is null, attached it flags the value uncertain (§1.3).</summary>
    private static FlaggedValue? Number(XElement? element)
    {
        string? text = Text(element);
        if (text is null)
        {
            return null;
        }

        bool uncertain = text.Contains('?', StringComparison.Ordinal);
        text = text.Replace("?", "", StringComparison.Ordinal).TrimEnd('%').Trim();
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) ? new FlaggedValue(value, uncertain) : null;
    }

    private static int? Int(XElement? element) => Number(element) is { Uncertain: false } n && n.Value == decimal.Truncate(n.Value) && n.Value is >= int.MinValue and <= int.MaxValue ? (int)n.Value : null;

    private static Measure? MeasureOf(XElement? element) => Number(element) is { } n ? new Measure(n.Value, Unit(element)) : null;

    /// <summary>0 means nothing was entered (§1.2).</summary>
    private static BloodPressure? Pressure(XElement? systolic, XElement? diastolic) =>
        Int(systolic) is > 0 and int s && Int(diastolic) is > 0 and int d ? new BloodPressure(s, d, Unit(systolic) ?? "mmHg") : null;

    /// <summary>Minutes may exceed 59 (§1.3).</summary>
    private static TimeSpan? Duration(XElement? parts)
    {
        int? minutes = Int(parts?.Element("Minute"));
        int? seconds = Int(parts?.Element("Second"));
        return minutes is null && seconds is null ? null : TimeSpan.FromMinutes(minutes ?? 0) + TimeSpan.FromSeconds(seconds ?? 0);
    }

    private static DateOnly? DateFrom(XElement? parts, string what, List<string> warnings)
    {
        if (parts is null || (Text(parts.Element("Year")) is null && Text(parts.Element("Month")) is null && Text(parts.Element("Day")) is null))
        {
            return null;
        }

        if (Int(parts.Element("Year")) is int y && Int(parts.Element("Month")) is int m && Int(parts.Element("Day")) is int d
            && y is >= 1 and <= 9999 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
        {
            return new DateOnly(y, m, d);
        }

        warnings.Add($"The {what} date is not a valid date; it was ignored.");
        return null;
    }

    private static DateTime? DateTimeFrom(XElement? parts, string what, List<string> warnings)
    {
        if (DateFrom(parts, what, warnings) is not { } date)
        {
            return null;
        }

        int hour = Int(parts!.Element("Hour")) ?? 0;
        int minute = Int(parts.Element("Minute")) ?? 0;
        int second = Int(parts.Element("Second")) ?? 0;
        if (hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            warnings.Add($"The {what} time is not a valid time; it was ignored.");
            return null;
        }

        return date.ToDateTime(new TimeOnly(hour, minute, second), DateTimeKind.Unspecified);
    }

    private static decimal? Weight(XElement? element, List<string> warnings) =>
        BodyMeasure(element, "weight", "kg", MaxWeightKg, warnings, Unit(element)?.ToUpperInvariant() switch
        {
            "POUNDS" or "LBS" or "LB" => KgPerPound,
            "KG" or "KILOGRAMS" or "KILOGRAM" => 1m,
            _ => null,
        });

    private static decimal? Height(XElement? element, List<string> warnings) =>
        BodyMeasure(element, "height", "cm", MaxHeightCm, warnings, Unit(element)?.ToUpperInvariant() switch
        {
            "INCHES" or "INCH" or "IN" => CmPerInch,
            "CM" or "CENTIMETERS" or "CENTIMETRES" => 1m,
            _ => null,
        });

    /// <summary>
    /// A weight or height in Portico's unit (<paramref name="unit"/>), converted with <paramref name="factor"/> (null: the
    /// file's unit is unknown). A value no person has is a damaged file: it is ignored with a warning, and compared before
    /// the conversion, whose product could overflow.
    /// </summary>
    private static decimal? BodyMeasure(XElement? element, string what, string unit, decimal most, List<string> warnings, decimal? factor)
    {
        if (Number(element) is not { } n)
        {
            return null;
        }

        if (factor is not { } perUnit)
        {
            warnings.Add($"The {what} has an unknown unit; it was ignored.");
            return null;
        }

        if (n.Value <= 0 || n.Value > most / perUnit)
        {
            warnings.Add($"The {what} is not between 0 and {most} {unit}; it was ignored.");
            return null;
        }

        return perUnit == 1m ? n.Value : Math.Round(n.Value * perUnit, 1);
    }
}
