namespace Portico.Index.UploadPortal;

public enum UploadCodeStatus
{
    Active,
    Used,
    Expired,
    Revoked,
}
