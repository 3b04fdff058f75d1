namespace Portico.Dicom.Network.Pdus;

/// <summary>
/// A user-information sub-item Portico does not interpret (SOP class extended negotiation 0x56,
/// common extended negotiation 0x57, user identity 0x58/0x59, or anything newer). Kept as received
/// and written back as is.
/// </summary>
public sealed record RawSubItem(byte ItemType, ReadOnlyMemory<byte> Value);
