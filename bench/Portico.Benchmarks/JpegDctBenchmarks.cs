using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Values;
using Portico.Imaging;

namespace Portico.Benchmarks;

/// <summary>
/// What decoding one JPEG DCT frame costs the server: a 512 × 512 8-bit grey baseline frame and a 512 × 512 12-bit CT
/// frame (extended), both made by DCMTK's dcmcjpeg (quality 90), and a 640 × 480 colour frame sampled 4:2:0, made by
/// netpbm's pnmtojpeg (quality 90; dcmcjpeg has no 4:2:0). The pixels are made at setup (smooth with noise, like an
/// image); dcmcjpeg and pnmtojpeg must be installed.
/// </summary>
[MemoryDiagnoser]
public class JpegDctBenchmarks
{
    private PixelLayout _grey = null!;
    private byte[] _greyJpeg = [];
    private PixelLayout _ct = null!;
    private byte[] _ctJpeg = [];
    private PixelLayout _colour = null!;
    private byte[] _colourJpeg = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        string directory = Path.Combine(Path.GetTempPath(), $"portico-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            _grey = new PixelLayout { Rows = 512, Columns = 512, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "MONOCHROME2" };
            var grey = new byte[512 * 512];
            for (int i = 0; i < grey.Length; i++)
            {
                int x = i % 512, y = i / 512;
                grey[i] = (byte)Math.Clamp(128 + (90 * Math.Sin(x / 30.0) * Math.Cos(y / 45.0)) + random.Next(-10, 10), 0, 255);
            }

            _greyJpeg = Dcmcjpeg(directory, _grey, grey, "+eb");

            _ct = new PixelLayout { Rows = 512, Columns = 512, BitsAllocated = 16, BitsStored = 12, HighBit = 11, Photometric = "MONOCHROME2", RescaleIntercept = -1024, Windows = [new VoiWindow(40, 400)] };
            var ct = new byte[512 * 512 * 2];
            for (int i = 0; i < 512 * 512; i++)
            {
                int x = i % 512, y = i / 512;
                ushort value = (ushort)Math.Clamp(1024 + (600 * Math.Sin(x / 40.0) * Math.Cos(y / 55.0)) + random.Next(-30, 30), 0, 4095);
                BitConverter.TryWriteBytes(ct.AsSpan(i * 2), value);
            }

            _ctJpeg = Dcmcjpeg(directory, _ct, ct, "+ee");

            _colour = new PixelLayout { Rows = 480, Columns = 640, SamplesPerPixel = 3, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "YBR_FULL_422" };
            var rgb = new byte[480 * 640 * 3];
            for (int i = 0; i < rgb.Length; i++)
            {
                rgb[i] = (byte)Math.Clamp(128 + (100 * Math.Sin(i / 3000.0)) + random.Next(-20, 20), 0, 255);
            }

            _colourJpeg = Pnmtojpeg(directory, rgb, 640, 480);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Benchmark]
    public byte[] DecodeBaselineGrey512() => JpegDctDecoder.Decode(_grey, _greyJpeg);

    [Benchmark]
    public byte[] DecodeExtendedCt512() => JpegDctDecoder.Decode(_ct, _ctJpeg);

    [Benchmark]
    public byte[] DecodeBaselineColour420() => JpegDctDecoder.Decode(_colour, _colourJpeg);

    /// <summary>The frame compressed by dcmcjpeg with <paramref name="process"/>: written as an Explicit VR Little Endian file, encoded, and its one fragment read back.</summary>
    private static byte[] Dcmcjpeg(string directory, PixelLayout layout, byte[] frame, string process)
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        dataset.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, "2.25.2");
        dataset.AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, DicomVR.US, 1);
        dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, layout.Photometric);
        dataset.AddOrUpdate<ushort>(DicomTags.Rows, DicomVR.US, (ushort)layout.Rows);
        dataset.AddOrUpdate<ushort>(DicomTags.Columns, DicomVR.US, (ushort)layout.Columns);
        dataset.AddOrUpdate<ushort>(DicomTags.BitsAllocated, DicomVR.US, (ushort)layout.BitsAllocated);
        dataset.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, (ushort)layout.BitsStored);
        dataset.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, (ushort)layout.HighBit);
        dataset.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 0);
        dataset.Add(new DicomElement(DicomTags.PixelData, layout.BitsAllocated == 8 ? DicomVR.OB : DicomVR.OW, frame));
        string input = Path.Combine(directory, "native.dcm"), output = Path.Combine(directory, "jpeg.dcm");
        DicomFileWriter.WriteAsync(new DicomFile(new DicomDataset(), dataset, TransferSyntax.ExplicitVRLittleEndian), input).GetAwaiter().GetResult();
        Run("dcmcjpeg", [process, input, output]);
        DicomFile file = DicomFile.Open(output, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 });
        var fragments = (DicomFragments)file.Dataset.Find(DicomTags.PixelData)!;
        return fragments.Fragments[1].Data.ToArray();
    }

    /// <summary>The RGB frame compressed by pnmtojpeg, 4:2:0 (Y sampled 2 × 2).</summary>
    private static byte[] Pnmtojpeg(string directory, byte[] rgb, int columns, int rows)
    {
        string input = Path.Combine(directory, "colour.ppm");
        File.WriteAllBytes(input, [.. Encoding.ASCII.GetBytes($"P6\n{columns} {rows}\n255\n"), .. rgb]);
        return Run("pnmtojpeg", ["-quality=90", "-sample=2x2,1x1,1x1", input]);
    }

    private static byte[] Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        return process.ExitCode == 0 ? output.ToArray() : throw new InvalidOperationException($"{program} failed ({process.ExitCode}).");
    }
}
