using System.Collections.Frozen;

namespace Portico.Dicom.IO;

/// <summary>A transfer syntax (PS3.5 §10): how a data set is encoded.</summary>
public sealed class TransferSyntax
{
    private TransferSyntax(string uid, string name, bool explicitVR, bool bigEndian, bool deflated, bool encapsulated, bool retired = false)
    {
        Uid = uid;
        Name = name;
        IsExplicitVR = explicitVR;
        IsBigEndian = bigEndian;
        IsDeflated = deflated;
        IsEncapsulated = encapsulated;
        IsRetired = retired;
    }

    public string Uid { get; }

    public string Name { get; }

    public bool IsExplicitVR { get; }

    public bool IsBigEndian { get; }

    /// <summary>The data set after the meta information is raw deflate (RFC 1951), PS3.5 §A.5.</summary>
    public bool IsDeflated { get; }

    /// <summary>Pixel data is encapsulated (PS3.5 §A.4): fragments, carried as is.</summary>
    public bool IsEncapsulated { get; }

    public bool IsRetired { get; }

    /// <summary>True when the bytes can be transcoded by swapping and re-encoding headers alone.</summary>
    public bool IsUncompressed => !IsEncapsulated;

    public override string ToString() => Name;

    public static readonly TransferSyntax ImplicitVRLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false);
    public static readonly TransferSyntax ExplicitVRLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false);
    public static readonly TransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", true, false, false, true);
    public static readonly TransferSyntax DeflatedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false);
    public static readonly TransferSyntax ExplicitVRBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, false, retired: true);

    private static readonly TransferSyntax[] Encapsulated =
    [
        Enc("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)"),
        Enc("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 and 4)"),
        Enc("1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 and 5)", true),
        Enc("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 and 8)", true),
        Enc("1.2.840.10008.1.2.4.54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 and 9)", true),
        Enc("1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 and 12)", true),
        Enc("1.2.840.10008.1.2.4.56", "JPEG Full Progression, Non-Hierarchical (Process 11 and 13)", true),
        Enc("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)"),
        Enc("1.2.840.10008.1.2.4.58", "JPEG Lossless, Non-Hierarchical (Process 15)", true),
        Enc("1.2.840.10008.1.2.4.59", "JPEG Extended, Hierarchical (Process 16 and 18)", true),
        Enc("1.2.840.10008.1.2.4.60", "JPEG Extended, Hierarchical (Process 17 and 19)", true),
        Enc("1.2.840.10008.1.2.4.61", "JPEG Spectral Selection, Hierarchical (Process 20 and 22)", true),
        Enc("1.2.840.10008.1.2.4.62", "JPEG Spectral Selection, Hierarchical (Process 21 and 23)", true),
        Enc("1.2.840.10008.1.2.4.63", "JPEG Full Progression, Hierarchical (Process 24 and 26)", true),
        Enc("1.2.840.10008.1.2.4.64", "JPEG Full Progression, Hierarchical (Process 25 and 27)", true),
        Enc("1.2.840.10008.1.2.4.65", "JPEG Lossless, Hierarchical (Process 28)", true),
        Enc("1.2.840.10008.1.2.4.66", "JPEG Lossless, Hierarchical (Process 29)", true),
        Enc("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])"),
        Enc("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression"),
        Enc("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression"),
        Enc("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)"),
        Enc("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression"),
        Enc("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)"),
        Enc("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression"),
        Enc("1.2.840.10008.1.2.4.94", "JPIP Referenced"),
        Enc("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate"),
        Enc("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"),
        Enc("1.2.840.10008.1.2.4.100.1", "Fragmentable MPEG2 Main Profile / Main Level"),
        Enc("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level"),
        Enc("1.2.840.10008.1.2.4.101.1", "Fragmentable MPEG2 Main Profile / High Level"),
        Enc("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
        Enc("1.2.840.10008.1.2.4.102.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1"),
        Enc("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
        Enc("1.2.840.10008.1.2.4.103.1", "Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
        Enc("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
        Enc("1.2.840.10008.1.2.4.104.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
        Enc("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
        Enc("1.2.840.10008.1.2.4.105.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
        Enc("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
        Enc("1.2.840.10008.1.2.4.106.1", "Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
        Enc("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1"),
        Enc("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1"),
        Enc("1.2.840.10008.1.2.4.110", "JPEG XL Lossless"),
        Enc("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression"),
        Enc("1.2.840.10008.1.2.4.112", "JPEG XL"),
        Enc("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)"),
        Enc("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)"),
        Enc("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression"),
        Enc("1.2.840.10008.1.2.4.204", "JPIP HTJ2K Referenced"),
        Enc("1.2.840.10008.1.2.4.205", "JPIP HTJ2K Referenced Deflate"),
        Enc("1.2.840.10008.1.2.5", "RLE Lossless"),
        Enc("1.2.840.10008.1.2.6.1", "RFC 2557 MIME encapsulation", true),
        Enc("1.2.840.10008.1.2.6.2", "XML Encoding", true),
        Enc("1.2.840.10008.1.2.7.1", "SMPTE ST 2110-20 Uncompressed Progressive Active Video"),
        Enc("1.2.840.10008.1.2.7.2", "SMPTE ST 2110-20 Uncompressed Interlaced Active Video"),
        Enc("1.2.840.10008.1.2.7.3", "SMPTE ST 2110-30 PCM Digital Audio"),
        EncapsulatedUncompressedExplicitVRLittleEndian,
    ];

    /// <summary>Every transfer syntax Portico knows by UID.</summary>
    public static IReadOnlyCollection<TransferSyntax> All => ByUid.Values;

    private static readonly FrozenDictionary<string, TransferSyntax> ByUid =
        new[] { ImplicitVRLittleEndian, ExplicitVRLittleEndian, DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian }
            .Concat(Encapsulated)
            .ToFrozenDictionary(ts => ts.Uid, StringComparer.Ordinal);

    private static TransferSyntax Enc(string uid, string name, bool retired = false) => new(uid, name, true, false, false, true, retired);

    public static TransferSyntax? Find(string uid) => ByUid.GetValueOrDefault(uid);

    /// <summary>
    /// The syntax for a UID from a file's meta information. Unknown UIDs are assumed to be
    /// encapsulated explicit VR little endian (every transfer syntax defined since 2004 is),
    /// so the data set stays readable and pixel data is kept as fragments.
    /// </summary>
    public static TransferSyntax FromUid(string uid) =>
        Find(uid) ?? new TransferSyntax(uid, "Unknown (" + uid + ")", true, false, false, true);
}
