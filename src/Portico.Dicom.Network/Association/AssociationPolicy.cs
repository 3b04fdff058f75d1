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

    /// <summary>Maximum length sub-item sent in the AC: the largest P-DATA-TF we accept.</summary>
    public uint MaxPduLength { get; init; } = DicomNetworkLimits.Default.MaxPduLength;

    public string ImplementationClassUid { get; init; } = PorticoImplementation.ClassUid;

    public string ImplementationVersionName { get; init; } = PorticoImplementation.VersionName;
}
