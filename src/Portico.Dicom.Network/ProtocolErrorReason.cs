namespace Portico.Dicom.Network;

/// <summary>Why a PDU was refused by the decoder.</summary>
public enum ProtocolErrorReason
{
    /// <summary>A field holds a value PS3.8 does not allow.</summary>
    Malformed,

    /// <summary>The PDU type byte is none of PS3.8 §9.3 (0x01–0x07).</summary>
    UnknownPduType,

    /// <summary>The PDU length is above the configured maximum.</summary>
    PduTooLong,

    /// <summary>The stream ended inside a PDU.</summary>
    Truncated,

    /// <summary>An item or sub-item length runs past the end of its parent.</summary>
    LengthOverrun,

    /// <summary>An item type that is not defined where it appears.</summary>
    UnknownItemType,

    /// <summary>A defined item appears somewhere it may not (e.g. a presentation context inside user information).</summary>
    ItemInWrongPlace,

    /// <summary>A required item is missing (e.g. the abstract syntax of a presentation context).</summary>
    MissingItem,

    /// <summary>An AE title that is empty, too long or holds characters AE titles may not have.</summary>
    InvalidAETitle,

    /// <summary>A PDU that the association state does not allow here.</summary>
    UnexpectedPdu,
}
