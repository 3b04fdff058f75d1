using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests;

/// <summary>
/// A DICOM image read with Portico.Dicom: its layout and its frames as stored, native (little endian), RLE Lossless,
/// JPEG Lossless, JPEG-LS or JPEG DCT (one fragment per frame, PS3.5 §A.4). Rendered the way Portico.Web renders it.
/// </summary>
internal sealed class SampleImage
{
    private const string RleLossless = "1.2.840.10008.1.2.5";
    private const string JpegLossless = "1.2.840.10008.1.2.4.57";
    private const string JpegLosslessSv1 = "1.2.840.10008.1.2.4.70";
    private const string JpegLsLossless = "1.2.840.10008.1.2.4.80";
    private const string JpegLsNearLossless = "1.2.840.10008.1.2.4.81";
    private const string JpegBaseline = "1.2.840.10008.1.2.4.50";
    private const string JpegExtended = "1.2.840.10008.1.2.4.51";
    private const string JpegSpectralSelection = "1.2.840.10008.1.2.4.53";
    private const string JpegFullProgression = "1.2.840.10008.1.2.4.55";

    private readonly DicomItem _pixelData;

    private SampleImage(string path, DicomFile file)
    {
        Path = path;
        File = file;
        Layout = PixelLayout.FromDataset(file.Dataset);
        IsRle = file.TransferSyntax.Uid == RleLossless;
        IsJpegLossless = file.TransferSyntax.Uid is JpegLossless or JpegLosslessSv1;
        IsJpegLs = file.TransferSyntax.Uid is JpegLsLossless or JpegLsNearLossless;
        IsJpegDct = file.TransferSyntax.Uid is JpegBaseline or JpegExtended or JpegSpectralSelection or JpegFullProgression;
        _pixelData = file.Dataset.Find(DicomTags.PixelData) ?? throw new InvalidDataException($"{path} has no Pixel Data.");
        Assert.True(file.TransferSyntax.IsUncompressed || IsRle || IsJpegLossless || IsJpegLs || IsJpegDct, $"{path}: {file.TransferSyntax.Name} is neither native, RLE, JPEG Lossless, JPEG-LS nor JPEG DCT.");
        Assert.False(file.TransferSyntax.IsBigEndian, $"{path} is big endian.");
    }

    public string Path { get; }

    public DicomFile File { get; }

    public PixelLayout Layout { get; }

    public bool IsRle { get; }

    public bool IsJpegLossless { get; }

    public bool IsJpegLs { get; }

    /// <summary>JPEG Baseline, Extended or (retired) progressive (1.2.840.10008.1.2.4.50, .51, .53, .55): frames for <see cref="JpegDctDecoder"/>.</summary>
    public bool IsJpegDct { get; }

    /// <summary>Reads a file of pydicom's test files (or any path), every value loaded.</summary>
    public static SampleImage Open(string nameOrPath)
    {
        string path = System.IO.Path.IsPathRooted(nameOrPath) ? nameOrPath : DicomSamples.Pydicom(nameOrPath);
        return new SampleImage(path, DicomFile.Open(path, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 }));
    }

    /// <summary>Frame <paramref name="index"/> (0-based) as stored: a slice of native pixel data or one fragment.</summary>
    public byte[] StoredFrame(int index)
    {
        Assert.InRange(index, 0, Layout.NumberOfFrames - 1);
        if (IsRle || IsJpegLossless || IsJpegLs || IsJpegDct)
        {
            var fragments = Assert.IsType<DicomFragments>(_pixelData);
            Assert.True(fragments.Fragments.Count == Layout.NumberOfFrames + 1, $"{Path}: {fragments.Fragments.Count - 1} fragments for {Layout.NumberOfFrames} frames.");
            return fragments.Fragments[index + 1].Data.ToArray();
        }

        var element = Assert.IsType<DicomElement>(_pixelData);
        int size = checked((int)Layout.FrameBytes);
        return element.Value.Span.Slice(index * size, size).ToArray();
    }

    /// <summary>Frame <paramref name="index"/> as native little endian bytes, and whether they are planar.</summary>
    public (byte[] Bytes, bool Planar) NativeFrame(int index) =>
        IsRle ? (RleDecoder.Decode(Layout, StoredFrame(index)), true)
        : IsJpegLossless ? (JpegLosslessDecoder.Decode(Layout, StoredFrame(index)), false)
        : IsJpegLs ? (JpegLsDecoder.Decode(Layout, StoredFrame(index)), false)
        : (StoredFrame(index), Layout.Planar);

    public RenderedImage Render(int index, VoiWindow? window = null)
    {
        (byte[] bytes, bool planar) = NativeFrame(index);
        return FrameRenderer.Render(Layout, bytes, window, planar);
    }

    /// <summary>
    /// Writes frame <paramref name="index"/> as a new single-frame Explicit VR Little Endian file in
    /// <paramref name="directory"/>, after <paramref name="change"/> has edited its data set and native pixel data.
    /// </summary>
    public string WriteNative(string directory, int index, Func<DicomDataset, byte[], byte[]> change)
    {
        (byte[] bytes, _) = NativeFrame(index);
        DicomDataset dataset = File.Dataset;
        dataset.Remove(DicomTags.NumberOfFrames);
        byte[] pixels = change(dataset, bytes);
        if (pixels.Length % 2 == 1)
        {
            Array.Resize(ref pixels, pixels.Length + 1);
        }

        dataset.Add(new DicomElement(DicomTags.PixelData, Layout.BitsAllocated > 8 ? Portico.Dicom.Values.DicomVR.OW : Portico.Dicom.Values.DicomVR.OB, pixels));
        string path = System.IO.Path.Combine(directory, $"{Guid.NewGuid():N}.dcm");
        DicomFileWriter.WriteAsync(new DicomFile(new DicomDataset(), dataset, TransferSyntax.ExplicitVRLittleEndian), path).GetAwaiter().GetResult();
        return path;
    }
}
