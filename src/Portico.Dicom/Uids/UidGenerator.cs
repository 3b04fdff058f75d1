using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Portico.Dicom.Uids;

/// <summary>Creates new UIDs without a registered root.</summary>
public static class UidGenerator
{
    /// <summary>The root of UUID-derived UIDs (PS3.5 §B.2, ITU-T X.667 / ISO/IEC 9834-8).</summary>
    public const string UuidRoot = "2.25.";

    /// <summary>
    /// A new UID "2.25." followed by a random (version 4, RFC 9562 §5.4) UUID written as one
    /// unsigned decimal integer of up to 39 digits (PS3.5 §B.2), so at most 44 characters.
    /// </summary>
    public static string NewUid()
    {
        Span<byte> uuid = stackalloc byte[16];
        RandomNumberGenerator.Fill(uuid);
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x40); // version 4
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // variant 10 (RFC 9562 §4.1)

        // The UUID's 16 octets in network order are the big-endian 128-bit integer.
        UInt128 value = BinaryPrimitives.ReadUInt128BigEndian(uuid);
        return UuidRoot + value.ToString(CultureInfo.InvariantCulture);
    }
}
