using System.Buffers.Binary;
using Portico.Dicom.Values;

namespace Portico.Dicom.IO;

/// <summary>Swaps values between big and little endian by the VR's unit size (PS3.5 §7.3).</summary>
internal static class ByteSwap
{
    public static void InPlace(Span<byte> bytes, DicomVR vr)
    {
        int unit = vr.SwapUnit;
        switch (unit)
        {
            case 2:
                for (int i = 0; i + 1 < bytes.Length; i += 2)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes[i..], BinaryPrimitives.ReadUInt16BigEndian(bytes[i..]));
                }

                break;
            case 4:
                for (int i = 0; i + 3 < bytes.Length; i += 4)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes[i..], BinaryPrimitives.ReadUInt32BigEndian(bytes[i..]));
                }

                break;
            case 8:
                for (int i = 0; i + 7 < bytes.Length; i += 8)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes[i..], BinaryPrimitives.ReadUInt64BigEndian(bytes[i..]));
                }

                break;
        }
    }
}
