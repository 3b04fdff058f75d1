namespace Portico.Web.Features.DicomNetwork;

/// <summary>A DICOM Identity Portico can send to (enabled, with host and port).</summary>
public sealed record DicomIdentityTarget(Guid IdentityId, string Name, string AETitle, string Host, int Port)
{
    public override string ToString() => $"{Name} ({AETitle})";
}
