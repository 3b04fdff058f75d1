using Portico.Index.Studies;

namespace Portico.Index.StressTests;

/// <summary>
/// An exercise stress test attached to a study (FORMATS.md §4.5): the original XML, kept as a non-DICOM blob under
/// its SHA-256 (so importing the same file again is recognised), and the parsed summary. The optional PDF report is a
/// DICOM Encapsulated PDF instance of the study, named by <see cref="PdfSopInstanceUid"/>.
/// </summary>
public sealed class StressTestAttachment
{
    public StressTestAttachmentId Id { get; set; } = StressTestAttachmentId.New();

    public StudyId StudyId { get; set; }

    public Study Study { get; set; } = null!;

    /// <summary>SHA-256 of the XML file, 64 lower-case hex digits; unique (a re-import is idempotent).</summary>
    public string XmlSha256 { get; set; } = "";

    /// <summary>Key of the XML in the blob store (its SHA-256).</summary>
    public string XmlBlobKey { get; set; } = "";

    public long XmlSizeBytes { get; set; }

    /// <summary>The XML's file name as uploaded (for the download).</summary>
    public string XmlFileName { get; set; } = "";

    /// <summary>The importer that read it (e.g. <c>GE CardioSoft</c>).</summary>
    public string Vendor { get; set; } = "";

    /// <summary>Test start (local wall-clock time, no zone, stored labelled as UTC like study times).</summary>
    public DateTime? TestStart { get; set; }

    /// <summary>The parsed vendor-neutral record (FORMATS.md §1.4) as JSON.</summary>
    public string SummaryJson { get; set; } = "";

    /// <summary>SOP Instance UID of the Encapsulated PDF instance made from the report; null when no PDF came.</summary>
    public string? PdfSopInstanceUid { get; set; }

    /// <summary>How the study was chosen: created, matched by ID, by name and birth date, or chosen by a person.</summary>
    public string MatchedBy { get; set; } = "";

    /// <summary>When it was imported (UTC).</summary>
    public DateTime ImportedAt { get; set; }

    /// <summary>Who imported it (user e-mail or API key name).</summary>
    public string ImportedBy { get; set; } = "";
}
