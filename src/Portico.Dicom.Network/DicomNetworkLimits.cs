namespace Portico.Dicom.Network;

/// <summary>Bounds on what a peer may make us read. Each is checked before anything is allocated.</summary>
public sealed record DicomNetworkLimits
{
    public static readonly DicomNetworkLimits Default = new();

    /// <summary>
    /// Largest P-DATA-TF variable field we accept, and the Maximum Length we announce (PS3.8 §D.1).
    /// Default 256 KiB.
    /// </summary>
    public uint MaxPduLength { get; init; } = 256 * 1024;

    /// <summary>Largest A-ASSOCIATE-RQ/AC variable field. Default 64 KiB (a request with hundreds of contexts fits).</summary>
    public uint MaxAssociatePduLength { get; init; } = 64 * 1024;

    /// <summary>Largest command set, assembled across command PDVs. Default 64 KiB.</summary>
    public int MaxCommandSetLength { get; init; } = 64 * 1024;

    /// <summary>Most presentation contexts in one A-ASSOCIATE-RQ (PS3.8 allows 128 odd ids). Default 128.</summary>
    public int MaxPresentationContexts { get; init; } = 128;

    /// <summary>The limit for a PDU of <paramref name="type"/>.</summary>
    public uint MaxLengthFor(Pdus.PduType type) => type switch
    {
        Pdus.PduType.AssociateRequest or Pdus.PduType.AssociateAccept => MaxAssociatePduLength,
        Pdus.PduType.PData => MaxPduLength,
        _ => 4,
    };
}
