using System.Buffers.Binary;
using System.Text;

namespace Portico.Dicom.Network.Dimse;

/// <summary>
/// A DIMSE command set (PS3.7 §6.3, annex E): group 0000 only, always Implicit VR Little Endian,
/// led by Command Group Length (0000,0000), which <see cref="Encode"/> computes.
/// </summary>
/// <remarks>
/// A dedicated codec rather than Portico.Dicom's file reader: a command set is a flat, fixed-syntax
/// group whose size the PDVs bound, and the file reader detects its syntax and handles file meta,
/// neither of which belongs here.
/// </remarks>
public sealed class CommandSet
{
    private readonly SortedDictionary<ushort, byte[]> _elements = [];

    public IEnumerable<ushort> Elements => _elements.Keys;

    public bool Contains(ushort element) => _elements.ContainsKey(element);

    public DimseCommandField CommandField
    {
        get => (DimseCommandField)GetUInt16(CommandElement.CommandField);
        set => SetUInt16(CommandElement.CommandField, (ushort)value);
    }

    /// <summary>True for a response (bit 15 of the command field set, PS3.7 annex E).</summary>
    public bool IsResponse => (GetUInt16(CommandElement.CommandField, 0) & 0x8000) != 0;

    /// <summary>Message ID (0000,0110) of a request; 0 when absent.</summary>
    public ushort MessageId => GetUInt16(CommandElement.MessageId, 0);

    /// <summary>Message ID Being Responded To (0000,0120) of a response or C-CANCEL-RQ; 0 when absent.</summary>
    public ushort MessageIdBeingRespondedTo => GetUInt16(CommandElement.MessageIdBeingRespondedTo, 0);

    public string? AffectedSopClassUid => GetString(CommandElement.AffectedSopClassUid);

    public string? AffectedSopInstanceUid => GetString(CommandElement.AffectedSopInstanceUid);

    public string? RequestedSopClassUid => GetString(CommandElement.RequestedSopClassUid);

    /// <summary>Status (0000,0900) of a response, or null in a request.</summary>
    public ushort? Status => TryGetUInt16(CommandElement.Status, out ushort value) ? value : null;

    /// <summary>Error Comment (0000,0902), trimmed.</summary>
    public string? ErrorComment => GetString(CommandElement.ErrorComment);

    /// <summary>Priority (0000,0700); medium when absent.</summary>
    public DimsePriority Priority => (DimsePriority)GetUInt16(CommandElement.Priority, 0);

    /// <summary>Move Destination (0000,0600) of a C-MOVE-RQ, trimmed.</summary>
    public string? MoveDestination => GetString(CommandElement.MoveDestination);

    /// <summary>Move Originator Application Entity Title (0000,1030) of a C-STORE-RQ that is a C-MOVE sub-operation.</summary>
    public string? MoveOriginatorAETitle => GetString(CommandElement.MoveOriginatorApplicationEntityTitle);

    /// <summary>Move Originator Message ID (0000,1031).</summary>
    public ushort? MoveOriginatorMessageId => TryGetUInt16(CommandElement.MoveOriginatorMessageId, out ushort value) ? value : null;

    /// <summary>
    /// The sub-operation counts of a C-MOVE or C-GET response, or null when it carries none. A count that is absent
    /// (Remaining in a final response) reads as 0.
    /// </summary>
    public SubOperationCounts? SubOperations =>
        Contains(CommandElement.NumberOfRemainingSuboperations) || Contains(CommandElement.NumberOfCompletedSuboperations)
            || Contains(CommandElement.NumberOfFailedSuboperations) || Contains(CommandElement.NumberOfWarningSuboperations)
            ? new SubOperationCounts(
                GetUInt16(CommandElement.NumberOfRemainingSuboperations, 0),
                GetUInt16(CommandElement.NumberOfCompletedSuboperations, 0),
                GetUInt16(CommandElement.NumberOfFailedSuboperations, 0),
                GetUInt16(CommandElement.NumberOfWarningSuboperations, 0))
            : null;

    /// <summary>Sets the sub-operation counts; Remaining only when <paramref name="includeRemaining"/> (pending and cancel responses).</summary>
    public void SetSubOperations(SubOperationCounts counts, bool includeRemaining)
    {
        if (includeRemaining)
        {
            SetUInt16(CommandElement.NumberOfRemainingSuboperations, counts.Remaining);
        }
        else
        {
            _elements.Remove(CommandElement.NumberOfRemainingSuboperations);
        }
        SetUInt16(CommandElement.NumberOfCompletedSuboperations, counts.Completed);
        SetUInt16(CommandElement.NumberOfFailedSuboperations, counts.Failed);
        SetUInt16(CommandElement.NumberOfWarningSuboperations, counts.Warning);
    }

    /// <summary>Removes an element (e.g. to build a response from a request's copy).</summary>
    public bool Remove(ushort element) => _elements.Remove(element);

    /// <summary>True when Command Data Set Type says a data set follows (any value other than 0x0101).</summary>
    public bool HasDataSet => GetUInt16(CommandElement.CommandDataSetType, CommandElement.NoDataSet) != CommandElement.NoDataSet;

    public ushort GetUInt16(ushort element) =>
        TryGetUInt16(element, out ushort value) ? value : throw new InvalidOperationException($"Command element (0000,{element:X4}) is missing or not 2 bytes.");

    public ushort GetUInt16(ushort element, ushort fallback) => TryGetUInt16(element, out ushort value) ? value : fallback;

    public bool TryGetUInt16(ushort element, out ushort value)
    {
        if (_elements.TryGetValue(element, out byte[]? bytes) && bytes.Length == 2)
        {
            value = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
            return true;
        }
        value = 0;
        return false;
    }

    public void SetUInt16(ushort element, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        _elements[element] = bytes;
    }

    /// <summary>A UI, AE or LO value with its padding (NUL or space) trimmed, or null when absent.</summary>
    public string? GetString(ushort element) =>
        _elements.TryGetValue(element, out byte[]? bytes) ? Encoding.ASCII.GetString(bytes).TrimEnd('\0', ' ') : null;

    /// <summary>Sets a UID, padded to even length with NUL (PS3.5 §9.1).</summary>
    public void SetUid(ushort element, string uid) => _elements[element] = Pad(Encoding.ASCII.GetBytes(uid), 0);

    /// <summary>Sets a text value (AE, LO), padded to even length with a space.</summary>
    public void SetText(ushort element, string text) => _elements[element] = Pad(Encoding.ASCII.GetBytes(text), (byte)' ');

    public byte[] Encode()
    {
        int bodyLength = 0;
        foreach (KeyValuePair<ushort, byte[]> e in _elements)
        {
            if (e.Key != CommandElement.CommandGroupLength)
            {
                bodyLength += 8 + e.Value.Length;
            }
        }
        var output = new byte[12 + bodyLength];
        Span<byte> span = output;
        var groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, (uint)bodyLength);
        WriteElement(ref span, CommandElement.CommandGroupLength, groupLength);
        foreach (KeyValuePair<ushort, byte[]> e in _elements)
        {
            if (e.Key != CommandElement.CommandGroupLength)
            {
                WriteElement(ref span, e.Key, e.Value);
            }
        }
        return output;
    }

    /// <summary>Decodes a command set; anything outside group 0000, a length past the end, or a repeated element is refused.</summary>
    public static CommandSet Decode(ReadOnlySpan<byte> data)
    {
        var command = new CommandSet();
        int position = 0;
        while (position < data.Length)
        {
            if (data.Length - position < 8)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.LengthOverrun, "A command element header is cut short.");
            }
            ushort group = BinaryPrimitives.ReadUInt16LittleEndian(data[position..]);
            ushort element = BinaryPrimitives.ReadUInt16LittleEndian(data[(position + 2)..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 4)..]);
            position += 8;
            if (group != 0x0000)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"A command set may hold only group 0000, found ({group:X4},{element:X4}).");
            }
            if (length > (uint)(data.Length - position))
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.LengthOverrun, $"Command element (0000,{element:X4}) announces {length} bytes; {data.Length - position} remain.");
            }
            if (!command._elements.TryAdd(element, data.Slice(position, (int)length).ToArray()))
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"Command element (0000,{element:X4}) appears twice.");
            }
            position += (int)length;
        }
        if (!command.TryGetUInt16(CommandElement.CommandField, out _))
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.MissingItem, "The command set has no 2-byte Command Field (0000,0100).");
        }
        return command;
    }

    private static void WriteElement(ref Span<byte> span, ushort element, byte[] value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span, 0x0000);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], element);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)value.Length);
        value.CopyTo(span[8..]);
        span = span[(8 + value.Length)..];
    }

    private static byte[] Pad(byte[] value, byte pad)
    {
        if (value.Length % 2 == 0)
        {
            return value;
        }
        var padded = new byte[value.Length + 1];
        value.CopyTo(padded, 0);
        padded[^1] = pad;
        return padded;
    }
}
