using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Values;
using Xunit;

namespace Portico.Dicom.Tests.IO;

[CollectionDefinition(nameof(AllocationSensitive), DisableParallelization = true)]
public sealed class AllocationSensitive;

[Collection(nameof(AllocationSensitive))]
public sealed class DicomFileTests
{
    [Fact]
    public async Task OpenAsync_HeaderOf2GBFile_AllocatesUnder1MBAndReportsPixelData()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string path = Path.Combine(Path.GetTempPath(), $"portico-2gb-{Guid.NewGuid():N}.dcm");
        const uint pixelLength = 0x7FFF_FFF0; // about 2 GB, sparse on disk
        try
        {
            long headerEnd = await WriteLargeFileAsync(path, pixelLength, ct);
            await DicomFile.OpenAsync(path, DicomFileReadOptions.HeaderOnly, ct); // warm up (JIT, pools)

            long before = GC.GetTotalAllocatedBytes(precise: true);
            DicomFile header = await DicomFile.OpenAsync(path, DicomFileReadOptions.HeaderOnly, ct);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            Assert.True(allocated < 1024 * 1024, $"header read allocated {allocated} bytes");
            Assert.Equal(headerEnd, header.PixelDataOffset);
            Assert.Equal(headerEnd + 12, header.PixelDataValueOffset);
            Assert.Equal(pixelLength, header.PixelDataLength);
            Assert.True(header.IsHeaderOnly);
            Assert.Equal("Large^File", header.Dataset.GetString(DicomTags.PatientName));

            DicomFile full = await DicomFile.OpenAsync(path, cancellationToken: ct);
            var pixels = Assert.IsType<DicomElement>(full.Dataset.Find(DicomTags.PixelData));
            Assert.False(pixels.IsLoaded);
            Assert.Equal(new DicomValueRange(headerEnd + 12, pixelLength, false), pixels.Range);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ReadAsync_BareImplicitDataset_DetectsTransferSyntax()
    {
        byte[] bytes = Convert.FromHexString("08001600" + "1A000000" + "312E322E3834302E31303030382E352E312E342E312E312E3200" + "10001000" + "08000000" + "446F655E4A6F686E");
        DicomFile file = await DicomFile.ReadAsync(new MemoryStream(bytes), cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(file.IsPart10);
        Assert.Same(TransferSyntax.ImplicitVRLittleEndian, file.TransferSyntax);
        Assert.Equal("Doe^John", file.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal(DicomVR.PN, file.Dataset.Find(DicomTags.PatientName)!.VR);
    }

    [Fact]
    public async Task ReadAsync_NotDicom_ThrowsWithOffset()
    {
        byte[] text = "This is a README, not a DICOM file.\n"u8.ToArray();
        var ex = await Assert.ThrowsAsync<DicomFormatException>(() => DicomFile.ReadAsync(new MemoryStream(text), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(DicomReadError.NotDicom, ex.Error);
        Assert.Contains("offset 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_DeflatedFile_Inflates()
    {
        DicomFile file = await DicomFile.OpenAsync(PydicomFiles.Path("image_dfl.dcm"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Same(TransferSyntax.DeflatedExplicitVRLittleEndian, file.TransferSyntax);
        Assert.True(file.Dataset.Find(DicomTags.PixelData) is DicomElement { IsLoaded: true });
    }

    [Fact]
    public async Task ReadAsync_DeflateBomb_IsRefusedAtTheLimit()
    {
        // A deflated data set whose inflated size passes MaxInflatedLength is refused, not inflated into memory.
        using var raw = new MemoryStream();
        await using (var deflate = new System.IO.Compression.DeflateStream(raw, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            // (0009,1010) UN with a 4 MB value of zeros: compresses to a few KB.
            deflate.Write(Convert.FromHexString("09001010554E0000" + "00004000"));
            deflate.Write(new byte[4 * 1024 * 1024]);
        }

        var meta = new DicomDataset();
        var file = new DicomFile(meta, new DicomDataset(), TransferSyntax.DeflatedExplicitVRLittleEndian);
        using var output = new MemoryStream();
        await DicomFileWriter.WriteAsync(file, output, cancellationToken: TestContext.Current.CancellationToken);
        output.Write(raw.ToArray());
        output.Position = 0;

        var options = new DicomFileReadOptions { MaxInflatedLength = 1024 * 1024 };
        var ex = await Assert.ThrowsAsync<DicomFormatException>(() => DicomFile.ReadAsync(output, options, TestContext.Current.CancellationToken));
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_ExplicitToBigEndianAndBack_KeepsValues()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        DicomFile original = await DicomFile.OpenAsync(PydicomFiles.Path("CT_small.dcm"), cancellationToken: ct);
        using var bigEndian = new MemoryStream();
        await DicomFileWriter.WriteAsync(original, bigEndian, new DicomFileWriteOptions { TransferSyntax = TransferSyntax.ExplicitVRBigEndian }, ct);
        bigEndian.Position = 0;
        DicomFile readBack = await DicomFile.ReadAsync(bigEndian, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 }, ct);

        Assert.Same(TransferSyntax.ExplicitVRBigEndian, readBack.TransferSyntax);
        Assert.Equal(original.Dataset.GetValue<ushort>(DicomTags.Rows), readBack.Dataset.GetValue<ushort>(DicomTags.Rows));
        Assert.Equal(original.Dataset.GetString(DicomTags.PatientName), readBack.Dataset.GetString(DicomTags.PatientName));
        byte[] expectedPixels = await File.ReadAllBytesAsync(PydicomFiles.Path("CT_small.dcm"), ct);
        var pixels = (DicomElement)readBack.Dataset.Find(DicomTags.PixelData)!;
        Assert.True(pixels.Value.Span.SequenceEqual(expectedPixels.AsSpan((int)original.PixelDataValueOffset, (int)pixels.Length)));
    }

    /// <summary>
    /// Found by fuzzing: a file whose meta group breaks off early (here the second element's group, 0002, damaged to 0102)
    /// is read with its remaining meta elements in the data set. Written back with them there, the next read took the
    /// stray (0002,0010) for the transfer syntax, implicit VR, and refused the explicit-VR data set after it: a merge or
    /// a portal rewrite of such an instance would have stored a file Portico could not read.
    /// </summary>
    [Fact]
    public async Task WriteAsync_MetaGroupBrokenOffEarly_LeavesTheStrayMetaElementsOut_AndReadsBack()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] bytes = PydicomFiles.Bytes("MR_small_implicit.dcm");
        Assert.Equal(new byte[] { 0x02, 0x00, 0x01, 0x00 }, bytes[144..148]); // (0002,0001) after (0002,0000)
        bytes[145] = 0x01;
        DicomFile damaged = await DicomFile.ReadAsync(new MemoryStream(bytes), cancellationToken: ct);
        Assert.Contains(damaged.Dataset, item => item.Tag.Group == 0x0002);

        using var written = new MemoryStream();
        await DicomFileWriter.WriteAsync(damaged, written, cancellationToken: ct);
        written.Position = 0;
        DicomFile readBack = await DicomFile.ReadAsync(written, cancellationToken: ct);

        Assert.DoesNotContain(readBack.Dataset, item => item.Tag.Group == 0x0002);
        Assert.Equal(damaged.TransferSyntax.Uid, readBack.Meta.GetString(DicomTag.TransferSyntaxUIDTag)?.TrimEnd('\0'));
        Assert.Equal(damaged.Dataset.Where(i => i.Tag.Group != 0x0002).Select(i => i.Tag), readBack.Dataset.Select(i => i.Tag));
        Assert.Equal(damaged.Dataset.GetString(DicomTags.PatientName), readBack.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal(damaged.Dataset.GetString(DicomTags.SOPInstanceUID), readBack.Dataset.GetString(DicomTags.SOPInstanceUID));
        Assert.True(((DicomElement)damaged.Dataset.Find(DicomTags.PixelData)!).Value.Span.SequenceEqual(((DicomElement)readBack.Dataset.Find(DicomTags.PixelData)!).Value.Span));
    }

    [Fact]
    public async Task WriteAsync_NewFile_NamesPorticoAndComputesGroupLength()
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        dataset.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.3.4.5");
        var file = new DicomFile(new DicomDataset(), dataset, TransferSyntax.ExplicitVRLittleEndian);
        using var output = new MemoryStream();
        await DicomFileWriter.WriteAsync(file, output, cancellationToken: TestContext.Current.CancellationToken);
        output.Position = 0;

        DicomFile readBack = await DicomFile.ReadAsync(output, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(DicomFileWriter.ImplementationClassUid, readBack.Meta.GetString(DicomTags.ImplementationClassUID));
        Assert.Equal(DicomFileWriter.ImplementationVersionName, readBack.Meta.GetString(DicomTags.ImplementationVersionName));
        Assert.Equal("1.2.3.4.5", readBack.Meta.GetString(DicomTags.MediaStorageSOPInstanceUID));
        uint groupLength = readBack.Meta.GetValue<uint>(DicomTags.FileMetaInformationGroupLength);
        Assert.Equal(DicomWriter.MeasureDataset(readBack.Meta, explicitVR: true) - 12, groupLength);
    }

    [Fact]
    public async Task WriteAsync_FileReadFromStreamWithRanges_CopiesValuesFromTheStream()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] original = await File.ReadAllBytesAsync(PydicomFiles.Path("CT_small.dcm"), ct);
        using var source = new MemoryStream(original, writable: false);
        DicomFile file = await DicomFile.ReadAsync(source, new DicomFileReadOptions { DeferValuesLongerThan = 1024 }, ct);
        Assert.False(((DicomElement)file.Dataset.Find(DicomTags.PixelData)!).IsLoaded);

        using var output = new MemoryStream();
        await DicomFileWriter.WriteAsync(file, output, new DicomFileWriteOptions { PreserveMetaInformation = true }, ct);

        Assert.Equal(original, output.ToArray());
    }

    private static async Task<long> WriteLargeFileAsync(string path, uint pixelLength, CancellationToken ct)
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        dataset.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.3.4.5.6");
        dataset.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, "Large^File");
        var file = new DicomFile(new DicomDataset(), dataset, TransferSyntax.ExplicitVRLittleEndian);
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        await DicomFileWriter.WriteAsync(file, stream, cancellationToken: ct);
        long headerEnd = stream.Length;
        byte[] header = Convert.FromHexString("E07F10004F570000");
        await stream.WriteAsync(header, ct);
        await stream.WriteAsync(BitConverter.GetBytes(pixelLength), ct);
        stream.SetLength(stream.Length + pixelLength); // sparse: no 2 GB written to disk
        return headerEnd;
    }
}
