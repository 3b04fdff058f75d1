using System.Buffers.Binary;
using Portico.Dicom.IO;
using Xunit;

namespace Portico.Dicom.Tests.IO;

public sealed class PixelDataProbeTests
{
    /// <summary>pydicom's files: native pixel data in explicit and implicit VR little endian and explicit big endian; CT_small has sequences before it and padding after.</summary>
    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small.dcm")]
    [InlineData("MR_small_implicit.dcm")]
    [InlineData("MR_small_bigendian.dcm")]
    public void TryFindEnd_NativePixelData_IsWhereItsValueEnds(string name)
    {
        byte[] dataSet = PydicomFiles.DatasetBytes(name, out bool explicitVR, out bool bigEndian);
        (long valueOffset, long expected) = PixelDataByPattern(dataSet, explicitVR, bigEndian);

        Assert.True(PixelDataProbe.TryFindEnd(dataSet, Syntax(explicitVR, bigEndian), out long end));
        Assert.Equal(expected, end);
        // The element's header is all it needs: none of the pixel data has arrived yet.
        Assert.True(PixelDataProbe.TryFindEnd(dataSet.AsMemory(0, (int)valueOffset), Syntax(explicitVR, bigEndian), out long early));
        Assert.Equal(expected, early);
    }

    [Fact]
    public void TryFindEnd_HeaderCutBeforeThePixelDataLength_FindsNothing()
    {
        byte[] dataSet = PydicomFiles.DatasetBytes("CT_small.dcm", out bool explicitVR, out bool bigEndian);
        (long valueOffset, _) = PixelDataByPattern(dataSet, explicitVR, bigEndian);

        Assert.False(PixelDataProbe.TryFindEnd(dataSet.AsMemory(0, (int)valueOffset - 1), TransferSyntax.ExplicitVRLittleEndian, out _));
        Assert.False(PixelDataProbe.TryFindEnd(dataSet.AsMemory(0, 100), TransferSyntax.ExplicitVRLittleEndian, out _));
    }

    [Theory]
    [InlineData("JPEG2000.dcm")] // encapsulated: the fragments' total is not in any header
    [InlineData("rtplan.dcm")] // no pixel data at all
    public void TryFindEnd_NoNativePixelData_FindsNothing(string name)
    {
        byte[] dataSet = PydicomFiles.DatasetBytes(name, out bool explicitVR, out bool bigEndian);

        Assert.False(PixelDataProbe.TryFindEnd(dataSet, Syntax(explicitVR, bigEndian), out _));
    }

    [Fact]
    public void TryFindEnd_GarbageOrDeflated_FindsNothingAndDoesNotThrow()
    {
        byte[] garbage = new byte[4096];
        new Random(5).NextBytes(garbage);
        byte[] dataSet = PydicomFiles.DatasetBytes("MR_small.dcm", out _, out _);

        Assert.False(PixelDataProbe.TryFindEnd(garbage, TransferSyntax.ExplicitVRLittleEndian, out _));
        Assert.False(PixelDataProbe.TryFindEnd(garbage, TransferSyntax.ImplicitVRLittleEndian, out _));
        Assert.False(PixelDataProbe.TryFindEnd(dataSet, TransferSyntax.DeflatedExplicitVRLittleEndian, out _));
    }

    private static TransferSyntax Syntax(bool explicitVR, bool bigEndian) =>
        bigEndian ? TransferSyntax.ExplicitVRBigEndian : explicitVR ? TransferSyntax.ExplicitVRLittleEndian : TransferSyntax.ImplicitVRLittleEndian;

    /// <summary>
    /// The top-level Pixel Data found by its bytes instead of by parsing: the last (7FE0,0010) tag in the file (an icon's
    /// comes before it), its length in the header layout of PS3.5 §7.1.2 (explicit OB/OW: 12 bytes) or §7.1.3 (implicit: 8).
    /// </summary>
    private static (long ValueOffset, long End) PixelDataByPattern(byte[] dataSet, bool explicitVR, bool bigEndian)
    {
        byte[] tag = bigEndian ? [0x7F, 0xE0, 0x00, 0x10] : [0xE0, 0x7F, 0x10, 0x00];
        int at = dataSet.AsSpan().LastIndexOf(tag);
        Assert.True(at >= 0);
        int lengthAt = at + (explicitVR ? 8 : 4);
        uint length = bigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(dataSet.AsSpan(lengthAt))
            : BinaryPrimitives.ReadUInt32LittleEndian(dataSet.AsSpan(lengthAt));
        long valueOffset = lengthAt + 4;
        return (valueOffset, valueOffset + length);
    }
}
