namespace Portico.Web.Features.StressTests;

/// <summary>
/// A parsed exercise stress test, vendor-neutral (FORMATS.md §1.4): every importer fills this model. Local times carry
/// no zone. Stored as JSON beside the original file.
/// </summary>
public sealed record StressTest
{
    public required string Vendor { get; init; }

    public required string SourceFileSha256 { get; init; }

    public string? ObservationType { get; init; }

    /// <summary>Test start, local wall-clock time; null when the file has no valid start.</summary>
    public DateTime? Start { get; init; }

    public DateTime? End { get; init; }

    public StressTestPatient Patient { get; init; } = new();

    public string? OrderNumber { get; init; }

    public string? Facility { get; init; }

    public string? Device { get; init; }

    /// <summary>The ergometer (<c>Protocol/Device</c>: treadmill, bicycle).</summary>
    public string? ProtocolDevice { get; init; }

    public string? ProtocolName { get; init; }

    public BloodPressure? RestingBp { get; init; }

    public TimeSpan? ExerciseDuration { get; init; }

    public int? MaxHr { get; init; }

    public int? MaxPredictedHr { get; init; }

    public decimal? PercentMaxPredicted { get; init; }

    public int? TargetHr { get; init; }

    public bool? TargetHrAchieved { get; init; }

    public int? RestHr { get; init; }

    public decimal? PeakMets { get; init; }

    public Measure? MaxWorkload { get; init; }

    public MaxStChange? MaxSt { get; init; }

    /// <summary>The highest systolic pressure among the trend rows (with its diastolic), when rows carry pressures.</summary>
    public BloodPressure? PeakBp { get; init; }

    public IReadOnlyList<StressPhase> Phases { get; init; } = [];

    public IReadOnlyList<TrendEntry> Trend { get; init; } = [];

    public IReadOnlyList<string> InterpretationLines { get; init; } = [];

    public string? TerminationReason { get; init; }

    /// <summary>What could not be read as expected (never patient data).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record StressTestPatient
{
    public string? Id { get; init; }

    public string? FamilyName { get; init; }

    public string? GivenName { get; init; }

    public DateOnly? BirthDate { get; init; }

    /// <summary>M, F, O or null.</summary>
    public string? Sex { get; init; }

    public int? AgeYears { get; init; }

    public decimal? WeightKg { get; init; }

    public decimal? HeightCm { get; init; }
}

public sealed record BloodPressure(int Systolic, int Diastolic, string Unit);

public sealed record Measure(decimal Value, string? Unit);

/// <summary>A value that may have been marked uncertain (<c>?</c> in the export).</summary>
public sealed record FlaggedValue(decimal Value, bool Uncertain);

public sealed record MaxStChange(string? Lead, decimal Value, string? Unit, TimeSpan? Time);

public sealed record StressPhase(string Name, TimeSpan? Duration, IReadOnlyList<StressStage> Stages);

public sealed record StressStage(int? Index, string? Name, TimeSpan? Duration);

public sealed record TrendEntry
{
    public TimeSpan? EntryTime { get; init; }

    public string? Phase { get; init; }

    public TimeSpan? PhaseTime { get; init; }

    public int? StageNumber { get; init; }

    public string? Stage { get; init; }

    public int? HeartRate { get; init; }

    public decimal? Mets { get; init; }

    public Measure? Load { get; init; }

    public Measure? Grade { get; init; }

    public Measure? Speed { get; init; }

    public BloodPressure? Bp { get; init; }

    public decimal? ArtifactPercent { get; init; }

    public IReadOnlyList<LeadMeasurement> Leads { get; init; } = [];
}

public sealed record LeadMeasurement(string Lead, FlaggedValue? STAmplitude, FlaggedValue? STSlope, FlaggedValue? JPoint, string? Unit);
