namespace Portico.Web.Features.DicomNetwork;

/// <summary>A DICOM Identity with the host and port Portico needs to call it.</summary>
public sealed record DicomIdentityTarget(Guid IdentityId, string Name, string AETitle, string Host, int Port)
{
    public override string ToString() => $"{Name} ({AETitle})";
}
