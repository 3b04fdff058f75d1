namespace Portico.Dicom.Network.Pdus;

/// <summary>User information item (0x50), PS3.8 §9.3.2.3 and PS3.7 annex D.3.3.</summary>
public sealed record UserInformation
{
    /// <summary>Maximum length sub-item (0x51): the largest P-DATA-TF variable field the sender accepts; 0 = no limit.</summary>
    public uint? MaxPduLength { get; init; }

    /// <summary>Implementation class UID sub-item (0x52); mandatory in a well-formed RQ and AC.</summary>
    public string? ImplementationClassUid { get; init; }

    /// <summary>Implementation version name sub-item (0x55), 1–16 characters.</summary>
    public string? ImplementationVersionName { get; init; }

    /// <summary>Asynchronous operations window sub-item (0x53).</summary>
    public AsyncOperationsWindow? AsyncOperationsWindow { get; init; }

    /// <summary>SCP/SCU role selection sub-items (0x54).</summary>
    public IReadOnlyList<RoleSelection> RoleSelections { get; init; } = [];

    /// <summary>Sub-items passed through unread, in the order received.</summary>
    public IReadOnlyList<RawSubItem> OtherSubItems { get; init; } = [];
}
