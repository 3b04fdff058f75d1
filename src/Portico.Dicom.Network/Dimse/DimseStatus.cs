namespace Portico.Dicom.Network.Dimse;

/// <summary>
/// Status (0000,0900) codes, PS3.7 annex C and the service-specific codes of PS3.4 (§B.2.3 storage, §C.4.1.1.4 find,
/// §C.4.2.1.5 move, §C.4.3.1.4 get), with the PS3.7 §C.1 classification (success, pending, cancel, warning, failure).
/// </summary>
public static class DimseStatus
{
    public const ushort Success = 0x0000;

    /// <summary>PS3.4 C.4.1.1.4: matches are continuing; the current match is supplied.</summary>
    public const ushort Pending = 0xFF00;

    /// <summary>PS3.4 C.4.1.1.4: matches are continuing, but one or more optional keys were not supported.</summary>
    public const ushort PendingWarning = 0xFF01;

    /// <summary>PS3.7 §C.4.2: the operation was terminated by a C-CANCEL.</summary>
    public const ushort Cancel = 0xFE00;

    /// <summary>PS3.4 B.2.3: coercion of data elements (C-STORE); PS3.4 C.4.2/C.4.3: sub-operations complete, one or more failures or warnings (C-MOVE, C-GET).</summary>
    public const ushort Warning = 0xB000;

    /// <summary>PS3.4 B.2.3: elements discarded (C-STORE).</summary>
    public const ushort ElementsDiscarded = 0xB006;

    /// <summary>PS3.4 B.2.3: data set does not match SOP class (C-STORE, warning: stored anyway).</summary>
    public const ushort DataSetDoesNotMatchSopClassWarning = 0xB007;

    /// <summary>PS3.4 B.2.3: refused, out of resources (C-STORE; for C-FIND PS3.4 C.4.1.1.4 uses the same code).</summary>
    public const ushort OutOfResources = 0xA700;

    /// <summary>PS3.4 C.4.2.1.5 / C.4.3.1.4: out of resources, unable to calculate the number of matches (C-MOVE, C-GET).</summary>
    public const ushort OutOfResourcesUnableToCalculateMatches = 0xA701;

    /// <summary>PS3.4 C.4.2.1.5 / C.4.3.1.4: out of resources, unable to perform sub-operations (C-MOVE, C-GET).</summary>
    public const ushort OutOfResourcesUnableToPerformSuboperations = 0xA702;

    /// <summary>PS3.4 C.4.2.1.5: move destination unknown (C-MOVE).</summary>
    public const ushort MoveDestinationUnknown = 0xA801;

    /// <summary>PS3.4 B.2.3: error, data set does not match SOP class (C-STORE); identifier does not match SOP class (C-FIND, C-MOVE, C-GET).</summary>
    public const ushort DataSetDoesNotMatchSopClass = 0xA900;

    /// <summary>PS3.4 B.2.3 / C.4: error, cannot understand (the Cxxx range; Portico uses C000).</summary>
    public const ushort CannotUnderstand = 0xC000;

    /// <summary>PS3.7 §C.5.4: processing failure.</summary>
    public const ushort ProcessingFailure = 0x0110;

    /// <summary>PS3.7 §C.5.6: the SOP class is not supported.</summary>
    public const ushort SopClassNotSupported = 0x0122;

    /// <summary>PS3.7 §C.5.8: not authorized.</summary>
    public const ushort NotAuthorized = 0x0124;

    /// <summary>PS3.7 §C.5.10: the operation is not supported.</summary>
    public const ushort UnrecognizedOperation = 0x0211;

    /// <summary>PS3.7 §C.5.12: the peer sent more than the negotiated asynchronous operations window.</summary>
    public const ushort ResourceLimitation = 0x0213;

    public static bool IsSuccess(ushort status) => status == Success;

    /// <summary>Pending (FF00, FF01): more responses follow.</summary>
    public static bool IsPending(ushort status) => status is Pending or PendingWarning;

    public static bool IsCancel(ushort status) => status == Cancel;

    /// <summary>Warning: 0001, Bxxx, and 0107/0116 (PS3.7 §C.1).</summary>
    public static bool IsWarning(ushort status) => status == 0x0001 || (status & 0xF000) == 0xB000 || status is 0x0107 or 0x0116;

    /// <summary>Anything else is a failure (Axxx, Cxxx, 01xx, 02xx).</summary>
    public static bool IsFailure(ushort status) => !IsSuccess(status) && !IsPending(status) && !IsCancel(status) && !IsWarning(status);
}
