namespace Portico.Index.Studies;

/// <summary>
/// A study: one row of the Study List. Counts, size and the modality list are kept up to date by ingest;
/// <see cref="Version"/> is the optimistic concurrency token, renewed by <see cref="PorticoDbContext"/> on every
/// tracked update (an <c>ExecuteUpdate</c> on studies must set it too).
/// </summary>
public sealed class Study
{
    public StudyId Id { get; set; } = StudyId.New();

    /// <summary>Study Instance UID (0020,000D); unique.</summary>
    public string StudyInstanceUid { get; set; } = "";

    public PatientRecordId PatientRecordId { get; set; }

    public Patient Patient { get; set; } = null!;

    /// <summary>Study Date (0008,0020).</summary>
    public DateOnly? StudyDate { get; set; }

    /// <summary>Study Time (0008,0030) as received (TM, e.g. <c>142530.123</c>); empty when absent.</summary>
    public string StudyTime { get; set; } = "";

    /// <summary>
    /// Study date and time combined, for sorting: the device's wall clock with no zone, stored labelled as UTC.
    /// Null when the study has no date; such studies sort after dated ones in either direction. Whoever writes
    /// <see cref="StudyDate"/> writes this too: its date part is always <see cref="StudyDate"/>, and the Study List's
    /// date-range filter relies on that to search this column's index instead of <see cref="StudyDate"/>.
    /// </summary>
    public DateTime? StudyDateTime { get; set; }

    /// <summary>Study Description (0008,1030).</summary>
    public string Description { get; set; } = "";

    /// <summary>Accession Number (0008,0050).</summary>
    public string AccessionNumber { get; set; } = "";

    /// <summary>Referring Physician's Name (0008,0090), PN as stored.</summary>
    public string ReferringPhysicianName { get; set; } = "";

    /// <summary>Modalities in Study, denormalized as a DICOM multi-value (<c>CT\US</c>).</summary>
    public string Modalities { get; set; } = "";

    /// <summary>
    /// <see cref="Modalities"/> in the searchable form <c>|CT|US|</c> (<see cref="ModalitiesSearch"/>);
    /// kept in step by <see cref="PorticoDbContext"/> on every save.
    /// </summary>
    public string ModalitiesSearch { get; set; } = "";

    public int NumberOfSeries { get; set; }

    public int NumberOfInstances { get; set; }

    public long SizeBytes { get; set; }

    public WorkflowStatus WorkflowStatus { get; set; } = WorkflowStatus.New;

    /// <summary>When the first instance of the study was stored (UTC).</summary>
    public DateTime ReceivedAt { get; set; }

    /// <summary>When the latest instance of the study was stored (UTC).</summary>
    public DateTime LastReceivedAt { get; set; }

    /// <summary>How the first instance arrived (summary of its <see cref="Instance.Source"/>).</summary>
    public IngestSourceKind SourceKind { get; set; }

    /// <summary>Name of the first instance's source (identity, user, upload code, API key).</summary>
    public string? SourceName { get; set; }

    public ICollection<StudyLabel> Labels { get; } = new List<StudyLabel>();

    public ICollection<Series> Series { get; } = new List<Series>();

    /// <summary>Concurrency token: a stale update fails with <c>DbUpdateConcurrencyException</c>.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
}
