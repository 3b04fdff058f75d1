namespace Portico.Dicom.Network.Pdus;

/// <summary>
/// Decodes a PDU body (the bytes after the 6-byte header) into a <see cref="Pdu"/>. Every length is
/// checked against its parent; allocation is proportional to bytes actually present, never to a
/// length field.
/// </summary>
public static class PduDecoder
{
    public const int HeaderLength = 6;

    public static Pdu Decode(PduType type, ReadOnlySpan<byte> body, DicomNetworkLimits? limits = null)
    {
        limits ??= DicomNetworkLimits.Default;
        return type switch
        {
            PduType.AssociateRequest => DecodeAssociateRequest(body, limits),
            PduType.AssociateAccept => DecodeAssociateAccept(body, limits),
            PduType.AssociateReject => DecodeReject(body),
            PduType.PData => DecodePData(body),
            PduType.ReleaseRequest => DecodeFixed(body, "A-RELEASE-RQ", ReleaseRequestPdu.Instance),
            PduType.ReleaseResponse => DecodeFixed(body, "A-RELEASE-RP", ReleaseResponsePdu.Instance),
            PduType.Abort => DecodeAbort(body),
            _ => throw new DicomNetworkProtocolException(ProtocolErrorReason.UnknownPduType, $"PDU type 0x{(byte)type:X2} is not defined by PS3.8 §9.3."),
        };
    }

    private static Pdu DecodeFixed(ReadOnlySpan<byte> body, string name, Pdu instance)
    {
        if (body.Length != 4)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"{name} must have a 4-byte body, got {body.Length}.");
        }
        return instance;
    }

    private static AssociateRejectPdu DecodeReject(ReadOnlySpan<byte> body)
    {
        if (body.Length != 4)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"A-ASSOCIATE-RJ must have a 4-byte body, got {body.Length}.");
        }
        byte result = body[1];
        if (result is not (1 or 2))
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"A-ASSOCIATE-RJ result {result} is not 1 or 2.");
        }
        return new AssociateRejectPdu((RejectResult)result, RejectReasonExtensions.FromWire(body[2], body[3]));
    }

    private static AbortPdu DecodeAbort(ReadOnlySpan<byte> body)
    {
        if (body.Length != 4)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"A-ABORT must have a 4-byte body, got {body.Length}.");
        }
        // PS3.8 §9.3.8: source 1 is reserved; unknown reasons are reported as "not specified".
        byte source = body[2];
        byte reason = body[3];
        var abortSource = source == 2 ? AbortSource.ServiceProvider : AbortSource.ServiceUser;
        var abortReason = abortSource == AbortSource.ServiceProvider && Enum.IsDefined((AbortReason)reason) ? (AbortReason)reason : AbortReason.NotSpecified;
        return new AbortPdu(abortSource, abortReason);
    }

    /// <summary>
    /// Decodes a P-DATA-TF whose PDV values are slices of <paramref name="body"/> (no copy): they are valid only as
    /// long as the caller keeps <paramref name="body"/> unchanged.
    /// </summary>
    public static PDataTfPdu DecodePDataInPlace(ReadOnlyMemory<byte> body) => DecodePData(body.Span, body);

    private static PDataTfPdu DecodePData(ReadOnlySpan<byte> body, ReadOnlyMemory<byte> owner = default)
    {
        var reader = new ItemReader(body);
        var values = new List<PresentationDataValue>();
        while (!reader.End)
        {
            uint length = reader.ReadUInt32("PDV item length");
            if (length < 2 || length > (uint)reader.Remaining)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.LengthOverrun, $"PDV item length {length} does not fit the {reader.Remaining} bytes left in the P-DATA-TF.");
            }
            byte contextId = reader.ReadByte("presentation context id");
            byte header = reader.ReadByte("message control header");
            if ((header & 0xFC) != 0 || contextId % 2 == 0)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"PDV with context id {contextId} and control header 0x{header:X2} is invalid (PS3.8 annex E.2).");
            }
            int offset = body.Length - reader.Remaining;
            ReadOnlySpan<byte> data = reader.ReadBytes((int)length - 2, "PDV value");
            ReadOnlyMemory<byte> value = owner.IsEmpty ? data.ToArray() : owner.Slice(offset, data.Length);
            values.Add(new PresentationDataValue(contextId, (header & 1) != 0, (header & 2) != 0, value));
        }
        if (values.Count == 0)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.MissingItem, "A P-DATA-TF must carry at least one PDV.");
        }
        return new PDataTfPdu(values);
    }

    /// <summary>The fixed part of A-ASSOCIATE-RQ/AC, PS3.8 tables 9-11 and 9-17: version, reserved, two AE titles, 32 reserved.</summary>
    private static (ushort Version, string Called, string Calling) DecodeAssociateHeader(ref ItemReader reader)
    {
        ushort version = reader.ReadUInt16("protocol version");
        reader.ReadBytes(2, "reserved");
        string called = AETitle.Decode(reader.ReadBytes(AETitle.WireLength, "called AE title"));
        string calling = AETitle.Decode(reader.ReadBytes(AETitle.WireLength, "calling AE title"));
        reader.ReadBytes(32, "reserved");
        return (version, called, calling);
    }

    private static AssociateRequestPdu DecodeAssociateRequest(ReadOnlySpan<byte> body, DicomNetworkLimits limits)
    {
        AssociateItems<PresentationContextRequest> items = DecodeAssociateItems(body, limits, 0x20, "A-ASSOCIATE-RQ", DecodeRequestedContext);
        if (items.ApplicationContext is null || items.Contexts.Count == 0 || items.UserInformation is null)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.MissingItem, "An A-ASSOCIATE-RQ needs an application context, at least one presentation context and user information (PS3.8 §9.3.2).");
        }
        return new AssociateRequestPdu(items.Called, items.Calling, items.Contexts, items.UserInformation) { ProtocolVersion = items.Version, ApplicationContextName = items.ApplicationContext };
    }

    private static AssociateAcceptPdu DecodeAssociateAccept(ReadOnlySpan<byte> body, DicomNetworkLimits limits)
    {
        AssociateItems<PresentationContextAccept> items = DecodeAssociateItems(body, limits, 0x21, "A-ASSOCIATE-AC", DecodeAcceptedContext);
        if (items.ApplicationContext is null || items.UserInformation is null)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.MissingItem, "An A-ASSOCIATE-AC needs an application context and user information (PS3.8 §9.3.3).");
        }
        return new AssociateAcceptPdu(items.Called, items.Calling, items.Contexts, items.UserInformation) { ProtocolVersion = items.Version, ApplicationContextName = items.ApplicationContext };
    }

    private delegate T ContextDecoder<out T>(ReadOnlySpan<byte> value);

    private sealed record AssociateItems<T>(ushort Version, string Called, string Calling, string? ApplicationContext, List<T> Contexts, UserInformation? UserInformation);

    /// <summary>
    /// The items of an A-ASSOCIATE-RQ or -AC: one application context, presentation contexts of
    /// <paramref name="contextItemType"/> (0x20 in a request, 0x21 in an accept), one user information item.
    /// </summary>
    private static AssociateItems<T> DecodeAssociateItems<T>(ReadOnlySpan<byte> body, DicomNetworkLimits limits, byte contextItemType, string pdu, ContextDecoder<T> decodeContext)
    {
        var reader = new ItemReader(body);
        var (version, called, calling) = DecodeAssociateHeader(ref reader);
        string? applicationContext = null;
        UserInformation? userInformation = null;
        var contexts = new List<T>();
        while (!reader.End)
        {
            ReadOnlySpan<byte> value = reader.ReadItem(out byte itemType);
            if (itemType == contextItemType)
            {
                if (contexts.Count >= limits.MaxPresentationContexts)
                {
                    throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"More than {limits.MaxPresentationContexts} presentation contexts.");
                }
                contexts.Add(decodeContext(value));
                continue;
            }
            switch (itemType)
            {
                case 0x10 when applicationContext is null:
                    applicationContext = ItemReader.DecodeUid(value, "application context name");
                    break;
                case 0x50 when userInformation is null:
                    userInformation = DecodeUserInformation(value);
                    break;
                case 0x10 or 0x50:
                    throw new DicomNetworkProtocolException(ProtocolErrorReason.ItemInWrongPlace, $"Item 0x{itemType:X2} appears twice in the {pdu}.");
                case 0x20 or 0x21 or 0x30 or 0x40 or (>= 0x51 and <= 0x59):
                    throw new DicomNetworkProtocolException(ProtocolErrorReason.ItemInWrongPlace, $"Item 0x{itemType:X2} may not appear at the top level of an {pdu}.");
                default:
                    throw new DicomNetworkProtocolException(ProtocolErrorReason.UnknownItemType, $"Item type 0x{itemType:X2} is not defined for an {pdu}.");
            }
        }
        return new AssociateItems<T>(version, called, calling, applicationContext, contexts, userInformation);
    }

    private static PresentationContextRequest DecodeRequestedContext(ReadOnlySpan<byte> value)
    {
        var reader = new ItemReader(value);
        byte id = reader.ReadByte("presentation context id");
        reader.ReadBytes(3, "reserved");
        if (id % 2 == 0)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"Presentation context id {id} is not odd (PS3.8 §9.3.2.2).");
        }
        string? abstractSyntax = null;
        var transferSyntaxes = new List<string>();
        while (!reader.End)
        {
            ReadOnlySpan<byte> item = reader.ReadItem(out byte itemType);
            switch (itemType)
            {
                case 0x30 when abstractSyntax is null:
                    abstractSyntax = ItemReader.DecodeUid(item, "abstract syntax");
                    break;
                case 0x40:
                    transferSyntaxes.Add(ItemReader.DecodeUid(item, "transfer syntax"));
                    break;
                case 0x30:
                    throw new DicomNetworkProtocolException(ProtocolErrorReason.ItemInWrongPlace, $"Presentation context {id} has two abstract syntaxes.");
                default:
                    throw new DicomNetworkProtocolException(ProtocolErrorReason.ItemInWrongPlace, $"Sub-item 0x{itemType:X2} may not appear in a requested presentation context.");
            }
        }
        if (abstractSyntax is null || transferSyntaxes.Count == 0)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.MissingItem, $"Presentation context {id} needs one abstract syntax and at least one transfer syntax.");
        }
        return new PresentationContextRequest(id, abstractSyntax, transferSyntaxes);
    }

    private static PresentationContextAccept DecodeAcceptedContext(ReadOnlySpan<byte> value)
    {
        var reader = new ItemReader(value);
        byte id = reader.ReadByte("presentation context id");
        reader.ReadByte("reserved");
        byte result = reader.ReadByte("result/reason");
        reader.ReadByte("reserved");
        if (result > 4)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"Presentation context result {result} is not defined (PS3.8 table 9-18).");
        }
        string transferSyntax = "";
        while (!reader.End)
        {
            ReadOnlySpan<byte> item = reader.ReadItem(out byte itemType);
            if (itemType != 0x40 || transferSyntax.Length != 0)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.ItemInWrongPlace, $"Sub-item 0x{itemType:X2} may not appear here in an accepted presentation context.");
            }
            // Not significant unless accepted (PS3.8 §9.3.3.2): some peers send it empty.
            transferSyntax = result == 0 || item.Length > 0 ? ItemReader.DecodeUid(item, "transfer syntax") : "";
        }
        if (result == 0 && transferSyntax.Length == 0)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.MissingItem, $"Accepted presentation context {id} names no transfer syntax.");
        }
        return new PresentationContextAccept(id, (PresentationContextResult)result, transferSyntax);
    }

    private static UserInformation DecodeUserInformation(ReadOnlySpan<byte> value)
    {
        var reader = new ItemReader(value);
        uint? maxLength = null;
        string? implementationClassUid = null;
        string? implementationVersionName = null;
        AsyncOperationsWindow? window = null;
        var roles = new List<RoleSelection>();
        var others = new List<RawSubItem>();
        while (!reader.End)
        {
            ReadOnlySpan<byte> item = reader.ReadItem(out byte itemType);
            switch (itemType)
            {
                case 0x51:
                    maxLength = item.Length == 4
                        ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(item)
                        : throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, "The maximum length sub-item must be 4 bytes.");
                    break;
                case 0x52:
                    implementationClassUid = ItemReader.DecodeUid(item, "implementation class UID");
                    break;
                case 0x53:
                    window = item.Length == 4
                        ? new AsyncOperationsWindow(
                            System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(item),
                            System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(item[2..]))
                        : throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, "The asynchronous operations window sub-item must be 4 bytes.");
                    break;
                case 0x54:
                    roles.Add(DecodeRoleSelection(item));
                    break;
                case 0x55:
                    implementationVersionName = ItemReader.DecodeShortText(item, "implementation version name");
                    break;
                case 0x10 or 0x20 or 0x21 or 0x30 or 0x40 or 0x50:
                    throw new DicomNetworkProtocolException(ProtocolErrorReason.ItemInWrongPlace, $"Item 0x{itemType:X2} may not appear inside user information.");
                default:
                    others.Add(new RawSubItem(itemType, item.ToArray()));
                    break;
            }
        }
        return new UserInformation
        {
            MaxPduLength = maxLength,
            ImplementationClassUid = implementationClassUid,
            ImplementationVersionName = implementationVersionName,
            AsyncOperationsWindow = window,
            RoleSelections = roles,
            OtherSubItems = others,
        };
    }

    private static RoleSelection DecodeRoleSelection(ReadOnlySpan<byte> value)
    {
        var reader = new ItemReader(value);
        ushort uidLength = reader.ReadUInt16("role selection UID length");
        string uid = ItemReader.DecodeUid(reader.ReadBytes(uidLength, "role selection UID"), "role selection SOP class UID");
        byte scu = reader.ReadByte("SCU role");
        byte scp = reader.ReadByte("SCP role");
        if (!reader.End || scu > 1 || scp > 1)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, "The SCP/SCU role selection sub-item is malformed (PS3.7 §D.3.3.4).");
        }
        return new RoleSelection(uid, scu == 1, scp == 1);
    }
}
