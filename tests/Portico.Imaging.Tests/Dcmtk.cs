using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests;

/// <summary>
/// DCMTK's codecs, run as programs: <c>dcmcjpeg</c> (JPEG Lossless encoder, IJG), <c>dcmdjpeg</c> (its decoder),
/// <c>dcmdrle</c>, and <c>dcmcjpls</c> and <c>dcmdjpls</c> (JPEG-LS, CharLS). DCMTK is installed by scripts/test.sh; a
/// missing program fails the test saying so.
/// </summary>
internal static class Dcmtk
{
    /// <summary>Runs <paramref name="program"/> on <paramref name="input"/>, writing <paramref name="output"/>; fails the test if it fails.</summary>
    public static void Convert(string program, string input, string output, params string[] options)
    {
        ExternalProgram.Result result = ExternalProgram.Run(program, [.. options, input, output], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0 && File.Exists(output), $"{program} {string.Join(' ', options)} {input} failed ({result.ExitCode}): {result.Messages}");
    }

    /// <summary>The native twin of a pydicom file: the file itself, or dcmdrle's decompression of an RLE one into <paramref name="directory"/>.</summary>
    public static SampleImage NativeTwin(string file, string directory)
    {
        var image = SampleImage.Open(file);
        if (!image.IsRle)
        {
            return image;
        }

        string native = Path.Combine(directory, $"{Guid.NewGuid():N}.dcm");
        Convert("dcmdrle", image.Path, native);
        return SampleImage.Open(native);
    }

    /// <summary>
    /// Writes a single-frame Secondary Capture file of native (Explicit VR Little Endian) <paramref name="pixels"/>,
    /// unsigned, samples interleaved: input for DCMTK's encoders.
    /// </summary>
    public static string WriteNative(string directory, byte[] pixels, int columns, int rows, int samples, int bitsAllocated, int bitsStored)
    {
        DicomDataset dataset = SecondaryCapture(columns, rows, samples, bitsAllocated, bitsStored);
        dataset.Add(new DicomElement(DicomTags.PixelData, bitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, pixels.Length % 2 == 0 ? pixels : [.. pixels, 0]));
        string path = Path.Combine(directory, $"{Guid.NewGuid():N}.dcm");
        DicomFileWriter.WriteAsync(new DicomFile(new DicomDataset(), dataset, TransferSyntax.ExplicitVRLittleEndian), path).GetAwaiter().GetResult();
        return path;
    }

    /// <summary>
    /// Writes a single-frame Secondary Capture file whose pixel data is <paramref name="jpeg"/>, encapsulated as JPEG
    /// Lossless (1.2.840.10008.1.2.4.57): an empty Basic Offset Table, then one fragment (PS3.5 §A.4).
    /// </summary>
    public static string WriteJpegLossless(string directory, byte[] jpeg, int columns, int rows, int samples, int bitsAllocated, int bitsStored) =>
        WriteEncapsulated(directory, jpeg, columns, rows, samples, bitsAllocated, bitsStored, "1.2.840.10008.1.2.4.57");

    /// <summary>
    /// Writes a single-frame Secondary Capture file whose pixel data is <paramref name="jpeg"/>, encapsulated under
    /// <paramref name="transferSyntax"/> (an empty Basic Offset Table, then one fragment); colour as
    /// <paramref name="photometric"/> (RGB unless given).
    /// </summary>
    public static string WriteEncapsulated(string directory, byte[] jpeg, int columns, int rows, int samples, int bitsAllocated, int bitsStored, string transferSyntax, string? photometric = null)
    {
        DicomDataset dataset = SecondaryCapture(columns, rows, samples, bitsAllocated, bitsStored);
        if (photometric is not null)
        {
            dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, photometric);
        }

        var pixelData = new DicomFragments(DicomTags.PixelData, DicomVR.OB);
        pixelData.Fragments.Add(new DicomFragment(Array.Empty<byte>(), null));
        pixelData.Fragments.Add(new DicomFragment(jpeg.Length % 2 == 0 ? jpeg : [.. jpeg, 0], null));
        dataset.Add(pixelData);

        string path = Path.Combine(directory, $"{Guid.NewGuid():N}.dcm");
        var file = new DicomFile(new DicomDataset(), dataset, TransferSyntax.FromUid(transferSyntax));
        DicomFileWriter.WriteAsync(file, path).GetAwaiter().GetResult();
        return path;
    }

    /// <summary>The Secondary Capture image attributes of an unsigned image, without its pixel data.</summary>
    private static DicomDataset SecondaryCapture(int columns, int rows, int samples, int bitsAllocated, int bitsStored)
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        dataset.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, UidGenerator.NewUid());
        dataset.AddOrUpdate(DicomTags.Modality, DicomVR.CS, "OT");
        dataset.AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, DicomVR.US, (ushort)samples);
        dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, samples == 1 ? "MONOCHROME2" : "RGB");
        if (samples > 1)
        {
            dataset.AddOrUpdate<ushort>(DicomTags.PlanarConfiguration, DicomVR.US, 0);
        }

        dataset.AddOrUpdate<ushort>(DicomTags.Rows, DicomVR.US, (ushort)rows);
        dataset.AddOrUpdate<ushort>(DicomTags.Columns, DicomVR.US, (ushort)columns);
        dataset.AddOrUpdate<ushort>(DicomTags.BitsAllocated, DicomVR.US, (ushort)bitsAllocated);
        dataset.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, (ushort)bitsStored);
        dataset.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, (ushort)(bitsStored - 1));
        dataset.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 0);
        return dataset;
    }
}
