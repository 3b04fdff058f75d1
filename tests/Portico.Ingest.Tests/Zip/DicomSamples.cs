using System.Buffers.Binary;
using System.Text;

namespace Portico.Ingest.Tests.Zip;

/// <summary>DICOM content for archives: a small Part 10 file built here, and pydicom's test files.</summary>
internal static class DicomSamples
{
    /// <summary>pydicom's test files, installed by scripts/test.sh (Debian's python3-pydicom). Missing files fail the test.</summary>
    public const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    /// <summary>
    /// A minimal Part 10 file: 128-byte preamble, "DICM", the meta group in explicit VR little endian, then
    /// SOP Class and Instance UIDs and <paramref name="pixelBytes"/> bytes of OB pixel data.
    /// </summary>
    public static byte[] Part10(string sopInstanceUid = "1.2.826.0.1.3680043.8.498.1", int pixelBytes = 16)
    {
        const string SecondaryCapture = "1.2.840.10008.5.1.4.1.1.7";
        const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";
        var meta = new MemoryStream();
        WriteElement(meta, 0x0002, 0x0001, "OB", [0x00, 0x01]);
        WriteElement(meta, 0x0002, 0x0002, "UI", Uid(SecondaryCapture));
        WriteElement(meta, 0x0002, 0x0003, "UI", Uid(sopInstanceUid));
        WriteElement(meta, 0x0002, 0x0010, "UI", Uid(ExplicitVRLittleEndian));

        var file = new MemoryStream();
        file.Write(new byte[128]);
        file.Write("DICM"u8);
        var groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, (uint)meta.Length);
        WriteElement(file, 0x0002, 0x0000, "UL", groupLength);
        meta.WriteTo(file);
        WriteElement(file, 0x0008, 0x0016, "UI", Uid(SecondaryCapture));
        WriteElement(file, 0x0008, 0x0018, "UI", Uid(sopInstanceUid));
        WriteElement(file, 0x7FE0, 0x0010, "OB", new byte[pixelBytes]);
        return file.ToArray();
    }

    /// <summary>A Part 10 header followed by zeros up to <paramref name="length"/> bytes: DICOM-looking, and compressible a thousand to one.</summary>
    public static byte[] Part10PaddedWithZeros(int length)
    {
        byte[] header = Part10(pixelBytes: 0);
        var bytes = new byte[length];
        header.CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>A Part 10 header followed by pseudo-random bytes up to <paramref name="length"/>: DICOM-looking and incompressible.</summary>
    public static byte[] Part10PaddedWithNoise(int length, int seed = 1)
    {
        byte[] header = Part10(pixelBytes: 0);
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        header.CopyTo(bytes, 0);
        return bytes;
    }

    public static string PydicomPath(string name)
    {
        string path = Path.Combine(PydicomTestFiles, name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run scripts/test.sh, which installs python3-pydicom.");
    }

    public static byte[] Pydicom(string name) => File.ReadAllBytes(PydicomPath(name));

    /// <summary>The data set of a pydicom Part 10 file without preamble, "DICM" and meta group: a bare data set as old CDs hold.</summary>
    public static byte[] PydicomBareDataset(string name)
    {
        byte[] bytes = Pydicom(name);
        uint groupLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(132 + 8));
        return bytes[checked((int)(132 + 12 + groupLength))..];
    }

    private static byte[] Uid(string uid)
    {
        string padded = uid.Length % 2 == 0 ? uid : uid + "\0";
        return Encoding.ASCII.GetBytes(padded);
    }

    /// <summary>One explicit VR little endian element (PS3.5 §7.1.2): OB has a reserved field and a 32-bit length.</summary>
    private static void WriteElement(Stream stream, ushort group, ushort element, string vr, byte[] value)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        if (vr == "OB")
        {
            header[6] = 0;
            header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)value.Length);
            stream.Write(header);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
            stream.Write(header[..8]);
        }

        stream.Write(value);
    }
}
