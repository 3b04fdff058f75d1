namespace Portico.Dicom.Network.Association;

/// <summary>What the SCP accepts at negotiation (input of <see cref="Negotiator"/>).</summary>
public sealed record AssociationPolicy
{
    /// <summary>Portico's own AE title; the called AE title must match it exactly (after trimming padding).</summary>
    public required string AETitle { get; init; }

    /// <summary>Abstract syntaxes (SOP classes) the SCP offers.</summary>
    public required IReadOnlySet<string> AbstractSyntaxes { get; init; }

    /// <summary>Transfer syntaxes the SCP accepts, most preferred first.</summary>
    public required IReadOnlyList<string> TransferSyntaxes { get; init; }

    /// <summary>Calling AE titles allowed to associate; null allows any (identities come with issue 4).</summary>
    public IReadOnlySet<string>? CallingAETitles { get; init; }

    /// <summary>
    /// Storage SOP classes, accepted besides <see cref="AbstractSyntaxes"/>: a storage context takes the first transfer
    /// syntax the requester proposed that is in <see cref="StorageTransferSyntaxes"/>, so instances are stored as
    /// the device encoded them. Null: no storage contexts.
    /// </summary>
    public Func<string, bool>? IsStorageSopClass { get; init; }

    /// <summary>Transfer syntaxes accepted on storage contexts.</summary>
    public IReadOnlySet<string> StorageTransferSyntaxes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Whether the requester may be the SCU of storage contexts (send C-STORE to us). Default true.</summary>
    public bool AllowStorageScuRole { get; init; } = true;

    /// <summary>
    /// Whether the requester may take the SCP role on storage contexts through SCP/SCU role selection (to receive the
    /// C-STORE sub-operations of a C-GET, PS3.4 §C.4.3). Default false.
    /// </summary>
    public bool AllowStorageScpRole { get; init; }

    /// <summary>
    /// Abstract syntaxes the SCP supports but this requester may not use (its DICOM identity does not allow the
    /// operation): answered with result 1, user rejection. Null: everything supported is permitted.
    /// </summary>
    public Func<string, bool>? IsPermitted { get; init; }

    /// <summary>Maximum length sub-item sent in the AC: the largest P-DATA-TF we accept.</summary>
    public uint MaxPduLength { get; init; } = DicomNetworkLimits.Default.MaxPduLength;

    public string ImplementationClassUid { get; init; } = PorticoImplementation.ClassUid;

    public string ImplementationVersionName { get; init; } = PorticoImplementation.VersionName;
}
