using Portico.Dicom.Network.Services;
using Portico.Dicom.Uids;

namespace Portico.Dicom.Network.Scp;

/// <summary>Which DIMSE operation a SOP class serves (PS3.4 annexes A, B and C), as the SCP host negotiates it.</summary>
public static class ServiceClasses
{
    private const string StandardRoot = "1.2.840.10008.";

    // Every standard Storage SOP class lives under this arc (PS3.4 §B.5), those published after our dictionary too.
    private const string StorageArc = "1.2.840.10008.5.1.4.1.1.";

    /// <summary>The C-FIND SOP classes Portico serves: Patient Root and Study Root.</summary>
    public static IReadOnlySet<string> Find { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        DicomUids.PatientRootQueryRetrieveInformationModelFind,
        DicomUids.StudyRootQueryRetrieveInformationModelFind,
    };

    /// <summary>The C-MOVE SOP classes Portico serves.</summary>
    public static IReadOnlySet<string> Move { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        DicomUids.PatientRootQueryRetrieveInformationModelMove,
        DicomUids.StudyRootQueryRetrieveInformationModelMove,
    };

    /// <summary>The C-GET SOP classes Portico serves.</summary>
    public static IReadOnlySet<string> Get { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        DicomUids.PatientRootQueryRetrieveInformationModelGet,
        DicomUids.StudyRootQueryRetrieveInformationModelGet,
    };

    /// <summary>
    /// Whether <paramref name="sopClassUid"/> is a Storage SOP class: a registered one whose name says storage (not
    /// Storage Commitment, DICOMDIR or print), any standard UID under the storage arc, and, when
    /// <paramref name="acceptPrivate"/>, any UID outside the DICOM root (vendors' private storage classes).
    /// </summary>
    public static bool IsStorage(string sopClassUid, bool acceptPrivate)
    {
        ArgumentNullException.ThrowIfNull(sopClassUid);
        if (!sopClassUid.StartsWith(StandardRoot, StringComparison.Ordinal))
        {
            return acceptPrivate && DicomUid.IsValid(sopClassUid);
        }
        DicomUid? known = DicomUid.Find(sopClassUid);
        if (known is null || known.Name.Length == 0)
        {
            return sopClassUid.StartsWith(StorageArc, StringComparison.Ordinal);
        }
        return known is { Type: "SOP Class" } uid
            && uid.Name.Contains("Storage", StringComparison.Ordinal)
            && !uid.Name.Contains("Commitment", StringComparison.Ordinal)
            && !uid.Name.Contains("Media Storage Directory", StringComparison.Ordinal)
            && !uid.Name.Contains("Print", StringComparison.Ordinal)
            && !uid.Name.Contains("Hardcopy", StringComparison.Ordinal);
    }

    /// <summary>The operation a SOP class is negotiated for; <see cref="DimseOperations.None"/> when Portico does not serve it.</summary>
    public static DimseOperations OperationOf(string sopClassUid, bool acceptPrivate)
    {
        if (sopClassUid == DicomUids.Verification)
        {
            return DimseOperations.Echo;
        }
        if (Find.Contains(sopClassUid))
        {
            return DimseOperations.Find;
        }
        if (Move.Contains(sopClassUid))
        {
            return DimseOperations.Move;
        }
        if (Get.Contains(sopClassUid))
        {
            return DimseOperations.Get;
        }
        return IsStorage(sopClassUid, acceptPrivate) ? DimseOperations.Store : DimseOperations.None;
    }
}
