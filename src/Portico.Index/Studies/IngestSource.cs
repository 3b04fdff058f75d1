namespace Portico.Index.Studies;

/// <summary>
/// Who or what brought an instance in. A value object, mapped as an EF complex type into the instance's own
/// columns (<c>SourceKind</c>, <c>SourceId</c>, <c>SourceName</c>, <c>SourceAddress</c>), so one value can be shared
/// by every instance of an upload or association.
/// </summary>
/// <param name="Kind">The kind of source.</param>
/// <param name="Id">Its id: DICOM identity, user, upload code or API key id; null for an import.</param>
/// <param name="Name">Its display name: identity name, user e-mail, upload code, API key name.</param>
/// <param name="Address">Remote address (IP, or IP:port for DICOM).</param>
public sealed record IngestSource(IngestSourceKind Kind, string? Id = null, string? Name = null, string? Address = null);
