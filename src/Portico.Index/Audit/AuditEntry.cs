namespace Portico.Index.Audit;

/// <summary>
/// One audited change: who, when, what, from where, and the reason where one is required. Written in the same
/// transaction as the change it records (STYLE.md: the audit log is not logging).
/// </summary>
public sealed class AuditEntry
{
    public AuditEntryId Id { get; set; } = AuditEntryId.New();

    /// <summary>When it happened (UTC).</summary>
    public DateTime At { get; set; }

    /// <summary>Who: user id or e-mail, API key name, DICOM identity name, upload code.</summary>
    public string Actor { get; set; } = "";

    public ActorKind ActorKind { get; set; }

    /// <summary>What was done, a stable dotted name such as <c>Study.ChangePatientIdentity</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>What it was done to, e.g. <c>study/1.2.840...</c> or <c>user/{id}</c>.</summary>
    public string Target { get; set; } = "";

    /// <summary>Details as a JSON object (old and new values, counts); null when there are none.</summary>
    public string? Details { get; set; }

    /// <summary>The reason given, where the action requires one (identity changes, merges).</summary>
    public string? Reason { get; set; }

    /// <summary>Remote address of the request or association.</summary>
    public string? RemoteAddress { get; set; }
}
