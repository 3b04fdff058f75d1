using Portico.Index.Studies;

namespace Portico.Index.StudyList;

/// <summary>
/// A Study List search. Every filter is optional and they combine with AND. Text patterns follow DICOM matching:
/// <c>*</c> is any run of characters, <c>?</c> one character, and a pattern matches the whole value.
/// <see cref="ToString"/> prints no filter values: they are patient data.
/// </summary>
public sealed record StudyQuery
{
    public const int DefaultPageSize = 50;

    public const int MaxPageSize = 200;

    /// <summary>
    /// The Study List's search box: words of the patient's name (case-insensitive, anywhere in the name), or the start
    /// of the Patient ID or the Accession Number (case-insensitive). Wildcards are matched literally.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>Patient's name pattern, case-insensitive; <c>^</c> and spaces are equivalent (<see cref="PersonNameSearch"/>).</summary>
    public string? PatientName { get; init; }

    /// <summary>Patient ID: exact without wildcards (uses the index); case-insensitive with them.</summary>
    public string? PatientId { get; init; }

    public DateOnly? BirthDate { get; init; }

    /// <summary>First study date included; studies without a date are left out when a range is given.</summary>
    public DateOnly? StudyDateFrom { get; init; }

    /// <summary>Last study date included.</summary>
    public DateOnly? StudyDateTo { get; init; }

    /// <summary>One modality (CS): studies with it among their Modalities in Study.</summary>
    public string? Modality { get; init; }

    /// <summary>Accession number: exact without wildcards; case-insensitive with them.</summary>
    public string? AccessionNumber { get; init; }

    /// <summary>Words in the study description: case-insensitive substring.</summary>
    public string? Description { get; init; }

    /// <summary>Studies that carry the label with this exact name.</summary>
    public string? Label { get; init; }

    public WorkflowStatus? Status { get; init; }

    public IngestSourceKind? SourceKind { get; init; }

    /// <summary>Exact source name (identity, user e-mail, upload code, API key name).</summary>
    public string? SourceName { get; init; }

    public StudySort Sort { get; init; } = StudySort.Default;

    /// <summary>Page number, from 1.</summary>
    public int Page { get; init; } = 1;

    /// <summary>Rows per page, 1 to <see cref="MaxPageSize"/>.</summary>
    public int PageSize { get; init; } = DefaultPageSize;

    public override string ToString() =>
        $"StudyQuery {{ Sort = {Sort.Field} {Sort.Direction}, Page = {Page}, PageSize = {PageSize} }}";
}
