using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Portico.Dicom.Network.Pdus;

/// <summary>Encodes a <see cref="Pdu"/> with its 6-byte header into a buffer writer, PS3.8 §9.3.</summary>
public static class PduEncoder
{
    /// <summary>Encodes <paramref name="pdu"/> to a new array (tests, small PDUs).</summary>
    public static byte[] Encode(Pdu pdu)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Encode(pdu, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Encode(Pdu pdu, ArrayBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(output);
        int start = output.WrittenCount;
        WriteByte(output, (byte)pdu.Type);
        WriteByte(output, 0);
        WriteUInt32(output, 0); // patched below
        switch (pdu)
        {
            case AssociateRequestPdu rq:
                WriteAssociateHeader(output, rq.ProtocolVersion, rq.CalledAETitle, rq.CallingAETitle);
                WriteItem(output, 0x10, Encoding.ASCII.GetBytes(rq.ApplicationContextName));
                foreach (PresentationContextRequest pc in rq.PresentationContexts)
                {
                    int item = BeginItem(output, 0x20);
                    output.Write<byte>([pc.Id, 0, 0, 0]);
                    WriteItem(output, 0x30, Encoding.ASCII.GetBytes(pc.AbstractSyntax));
                    foreach (string ts in pc.TransferSyntaxes)
                    {
                        WriteItem(output, 0x40, Encoding.ASCII.GetBytes(ts));
                    }
                    EndItem(output, item);
                }
                WriteUserInformation(output, rq.UserInformation);
                break;
            case AssociateAcceptPdu ac:
                WriteAssociateHeader(output, ac.ProtocolVersion, ac.CalledAETitle, ac.CallingAETitle);
                WriteItem(output, 0x10, Encoding.ASCII.GetBytes(ac.ApplicationContextName));
                foreach (PresentationContextAccept pc in ac.PresentationContexts)
                {
                    int item = BeginItem(output, 0x21);
                    output.Write<byte>([pc.Id, 0, (byte)pc.Result, 0]);
                    WriteItem(output, 0x40, Encoding.ASCII.GetBytes(pc.TransferSyntax));
                    EndItem(output, item);
                }
                WriteUserInformation(output, ac.UserInformation);
                break;
            case AssociateRejectPdu rj:
                output.Write<byte>([0, (byte)rj.Result, (byte)rj.Source, rj.Reason.WireValue()]);
                break;
            case PDataTfPdu data:
                foreach (PresentationDataValue pdv in data.Values)
                {
                    WriteUInt32(output, checked((uint)pdv.Data.Length + 2));
                    output.Write<byte>([pdv.PresentationContextId, pdv.MessageControlHeader]);
                    output.Write(pdv.Data.Span);
                }
                break;
            case ReleaseRequestPdu or ReleaseResponsePdu:
                output.Write<byte>([0, 0, 0, 0]);
                break;
            case AbortPdu abort:
                output.Write<byte>([0, 0, (byte)abort.Source, abort.Source == AbortSource.ServiceProvider ? (byte)abort.Reason : (byte)0]);
                break;
            default:
                throw new ArgumentException($"Cannot encode {pdu.GetType().Name}.", nameof(pdu));
        }
        int length = output.WrittenCount - start - PduDecoder.HeaderLength;
        // ArrayBufferWriter exposes written memory read-only; patch the length through the backing array.
        Span<byte> header = System.Runtime.InteropServices.MemoryMarshal.AsMemory(output.WrittenMemory).Span.Slice(start + 2, 4);
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)length);
    }

    private static void WriteAssociateHeader(ArrayBufferWriter<byte> output, ushort version, string called, string calling)
    {
        Span<byte> fixedPart = output.GetSpan(68)[..68];
        fixedPart.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart, version);
        AETitle.Encode(called, fixedPart.Slice(4, AETitle.WireLength));
        AETitle.Encode(calling, fixedPart.Slice(20, AETitle.WireLength));
        output.Advance(68);
    }

    private static void WriteUserInformation(ArrayBufferWriter<byte> output, UserInformation info)
    {
        int item = BeginItem(output, 0x50);
        if (info.MaxPduLength is uint max)
        {
            Span<byte> value = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(value, max);
            WriteItem(output, 0x51, value);
        }
        if (info.ImplementationClassUid is { } uid)
        {
            WriteItem(output, 0x52, Encoding.ASCII.GetBytes(uid));
        }
        if (info.AsyncOperationsWindow is { } window)
        {
            Span<byte> value = stackalloc byte[4];
            BinaryPrimitives.WriteUInt16BigEndian(value, window.MaxOperationsInvoked);
            BinaryPrimitives.WriteUInt16BigEndian(value[2..], window.MaxOperationsPerformed);
            WriteItem(output, 0x53, value);
        }
        foreach (RoleSelection role in info.RoleSelections)
        {
            byte[] uidBytes = Encoding.ASCII.GetBytes(role.SopClassUid);
            int sub = BeginItem(output, 0x54);
            WriteUInt16(output, (ushort)uidBytes.Length);
            output.Write(uidBytes);
            output.Write<byte>([role.ScuRole ? (byte)1 : (byte)0, role.ScpRole ? (byte)1 : (byte)0]);
            EndItem(output, sub);
        }
        if (info.ImplementationVersionName is { } name)
        {
            WriteItem(output, 0x55, Encoding.ASCII.GetBytes(name));
        }
        foreach (RawSubItem raw in info.OtherSubItems)
        {
            WriteItem(output, raw.ItemType, raw.Value.Span);
        }
        EndItem(output, item);
    }

    private static int BeginItem(ArrayBufferWriter<byte> output, byte itemType)
    {
        int start = output.WrittenCount;
        output.Write<byte>([itemType, 0, 0, 0]);
        return start;
    }

    private static void EndItem(ArrayBufferWriter<byte> output, int start)
    {
        int length = output.WrittenCount - start - 4;
        if (length > ushort.MaxValue)
        {
            throw new InvalidOperationException($"An item of {length} bytes does not fit a 2-byte item length.");
        }
        Span<byte> header = System.Runtime.InteropServices.MemoryMarshal.AsMemory(output.WrittenMemory).Span.Slice(start + 2, 2);
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)length);
    }

    private static void WriteItem(ArrayBufferWriter<byte> output, byte itemType, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new InvalidOperationException($"An item of {value.Length} bytes does not fit a 2-byte item length.");
        }
        output.Write<byte>([itemType, 0]);
        WriteUInt16(output, (ushort)value.Length);
        output.Write(value);
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value) => output.Write<byte>([value]);

    private static void WriteUInt16(ArrayBufferWriter<byte> output, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), value);
        output.Advance(2);
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }
}
