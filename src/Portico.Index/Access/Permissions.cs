namespace Portico.Index.Access;

/// <summary>The named permissions of DESIGN.md. They are cumulative across a user's roles.</summary>
public static class Permissions
{
    public const string StudiesView = "Studies.View";
    public const string StudiesUpload = "Studies.Upload";
    public const string StudiesChangePatientIdentity = "Studies.ChangePatientIdentity";
    public const string StudiesLabel = "Studies.Label";
    public const string StudiesTransfer = "Studies.Transfer";
    public const string IntegrationsDicom = "Integrations.Dicom";
    public const string UploadPortalManage = "UploadPortal.Manage";
    public const string UsersManage = "Users.Manage";
    public const string AuditView = "Audit.View";

    /// <summary>Every permission, in the order DESIGN.md lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        StudiesView,
        StudiesUpload,
        StudiesChangePatientIdentity,
        StudiesLabel,
        StudiesTransfer,
        IntegrationsDicom,
        UploadPortalManage,
        UsersManage,
        AuditView,
    ];

    /// <summary>Longest permission name the index stores.</summary>
    public const int MaxLength = 64;
}
