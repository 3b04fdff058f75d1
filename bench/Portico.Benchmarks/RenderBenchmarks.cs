using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Values;
using Portico.Imaging;

namespace Portico.Benchmarks;

/// <summary>
/// What one rendered frame of the viewer costs the server: a 512 × 512 CT frame (signed 12 of 16 bits, rescaled,
/// windowed) and a 640 × 480 RGB ultrasound frame, each rendered, shrunk to a thumbnail, and written as PNG; and the CT
/// frame decoded from JPEG Lossless. The pixels are made at setup (smooth with noise, like an image), so the figures
/// measure the code, not the disk. The JPEG Lossless frame is made at setup too, by <see cref="EncodeJpegLossless"/>;
/// the JPEG-LS one (lossless) by DCMTK's dcmcjpls (CharLS), which must be installed for that benchmark.
/// </summary>
[MemoryDiagnoser]
public class RenderBenchmarks
{
    private readonly MemoryStream _sink = new(1 << 20);
    private PixelLayout _ct = null!;
    private byte[] _ctFrame = [];
    private PixelLayout _us = null!;
    private byte[] _usFrame = [];
    private RenderedImage _ctImage = null!;
    private RenderedImage _usImage = null!;
    private byte[] _ctJpegLossless = [];
    private byte[] _ctJpegLs = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        MakeCt(random);
        _us = new PixelLayout { Rows = 480, Columns = 640, SamplesPerPixel = 3, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "RGB" };
        _usFrame = new byte[480 * 640 * 3];
        for (int i = 0; i < _usFrame.Length; i++)
        {
            _usFrame[i] = (byte)(128 + (100 * Math.Sin(i / 3000.0)) + random.Next(-20, 20));
        }

        _ctJpegLossless = EncodeJpegLossless(_ctFrame, 512, 512);
        if (!JpegLosslessDecoder.Decode(_ct, _ctJpegLossless).AsSpan().SequenceEqual(_ctFrame))
        {
            throw new InvalidOperationException("The JPEG Lossless CT frame does not decode to its pixels.");
        }

        _ctImage = FrameRenderer.Render(_ct, _ctFrame);
        _usImage = FrameRenderer.Render(_us, _usFrame);
    }

    [GlobalSetup(Target = nameof(DecodeJpegLsCt512))]
    public void SetupJpegLs()
    {
        MakeCt(new Random(7));
        _ctJpegLs = EncodeJpegLs(_ct, _ctFrame);
        if (!JpegLsDecoder.Decode(_ct, _ctJpegLs).AsSpan().SequenceEqual(_ctFrame))
        {
            throw new InvalidOperationException("The JPEG-LS CT frame does not decode to its pixels.");
        }
    }

    [Benchmark]
    public RenderedImage RenderCt512() => FrameRenderer.Render(_ct, _ctFrame);

    [Benchmark]
    public RenderedImage RenderUsRgb640() => FrameRenderer.Render(_us, _usFrame);

    [Benchmark]
    public byte[] DecodeJpegLosslessCt512() => JpegLosslessDecoder.Decode(_ct, _ctJpegLossless);

    [Benchmark]
    public byte[] DecodeJpegLsCt512() => JpegLsDecoder.Decode(_ct, _ctJpegLs);

    [Benchmark]
    public RenderedImage ThumbnailCt512() => _ctImage.FitWithin(128, 128);

    [Benchmark]
    public long PngCt512()
    {
        _sink.Position = 0;
        PngEncoder.Write(_ctImage, _sink);
        return _sink.Position;
    }

    [Benchmark]
    public long PngUsRgb640()
    {
        _sink.Position = 0;
        PngEncoder.Write(_usImage, _sink);
        return _sink.Position;
    }

    /// <summary>The CT frame: signed 12-bit values, smooth with noise.</summary>
    private void MakeCt(Random random)
    {
        _ct = new PixelLayout { Rows = 512, Columns = 512, BitsAllocated = 16, BitsStored = 12, HighBit = 11, Signed = true, Photometric = "MONOCHROME2", RescaleIntercept = -1024, Windows = [new VoiWindow(40, 400)] };
        _ctFrame = new byte[512 * 512 * 2];
        for (int i = 0; i < 512 * 512; i++)
        {
            int x = i % 512, y = i / 512;
            short value = (short)(Math.Clamp(1024 + (600 * Math.Sin(x / 40.0) * Math.Cos(y / 55.0)) + random.Next(-30, 30), -2048, 2047));
            BitConverter.TryWriteBytes(_ctFrame.AsSpan(i * 2), value);
        }
    }

    /// <summary>
    /// The frame compressed JPEG-LS lossless by DCMTK's dcmcjpls: written as an Explicit VR Little Endian file, encoded,
    /// and the one fragment of the result read back.
    /// </summary>
    private static byte[] EncodeJpegLs(PixelLayout layout, byte[] frame)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"portico-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var dataset = new DicomDataset();
            dataset.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
            dataset.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, "2.25.1");
            dataset.AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, DicomVR.US, 1);
            dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, layout.Photometric);
            dataset.AddOrUpdate<ushort>(DicomTags.Rows, DicomVR.US, (ushort)layout.Rows);
            dataset.AddOrUpdate<ushort>(DicomTags.Columns, DicomVR.US, (ushort)layout.Columns);
            dataset.AddOrUpdate<ushort>(DicomTags.BitsAllocated, DicomVR.US, (ushort)layout.BitsAllocated);
            dataset.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, (ushort)layout.BitsStored);
            dataset.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, (ushort)layout.HighBit);
            dataset.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, (ushort)(layout.Signed ? 1 : 0));
            dataset.Add(new DicomElement(DicomTags.PixelData, DicomVR.OW, frame));
            string input = Path.Combine(directory, "native.dcm"), output = Path.Combine(directory, "jpeg-ls.dcm");
            DicomFileWriter.WriteAsync(new DicomFile(new DicomDataset(), dataset, TransferSyntax.ExplicitVRLittleEndian), input).GetAwaiter().GetResult();

            using (Process process = Process.Start("dcmcjpls", [input, output]) ?? throw new InvalidOperationException("Could not start dcmcjpls."))
            {
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"dcmcjpls failed ({process.ExitCode}).");
                }
            }

            DicomFile encoded = DicomFile.Open(output, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 });
            var fragments = (DicomFragments)(encoded.Dataset.Find(DicomTags.PixelData) ?? throw new InvalidOperationException("dcmcjpls wrote no pixel data."));
            return fragments.Fragments[1].Data.ToArray();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A minimal JPEG Lossless encoder (ITU-T T.81 Annex H) for one 16-bit grey frame, laid out as DCMTK's dcmcjpeg +e1
    /// lays it out: SOF3 with precision 16, selection value 1 (1.2.840.10008.1.2.4.70), one Huffman table, no restart
    /// interval. The table is simpler than an optimal one: the difference categories by frequency get codes of 2, 2, 3,
    /// 4 ... 16, 16 bits (here 7.3 bits a sample, 238 KB for the frame).
    /// </summary>
    private static byte[] EncodeJpegLossless(byte[] frame, int columns, int rows)
    {
        var differences = new int[columns * rows];
        var counts = new int[17];
        int Sample(int i) => BitConverter.ToUInt16(frame, i * 2);
        for (int i = 0; i < differences.Length; i++)
        {
            int prediction = i == 0 ? 32768 : i < columns ? Sample(i - 1) : i % columns == 0 ? Sample(i - columns) : Sample(i - 1);
            int difference = (Sample(i) - prediction) & 0xFFFF;
            differences[i] = difference > 32768 ? difference - 65536 : difference;
            counts[Category(differences[i])]++;
        }

        int[] lengths = [2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 16];
        int[] byFrequency = [.. Enumerable.Range(0, 17).OrderByDescending(s => counts[s])];
        var codes = new (int Code, int Length)[17];
        var bits = new byte[16];
        for (int rank = 0, code = 0, length = 1; length <= 16; length++, code <<= 1)
        {
            for (; rank < 17 && lengths[rank] == length; rank++, code++)
            {
                codes[byFrequency[rank]] = (code, length);
                bits[length - 1]++;
            }
        }

        var output = new List<byte> { 0xFF, 0xD8, 0xFF, 0xC3, 0, 11, 16, (byte)(rows >> 8), (byte)rows, (byte)(columns >> 8), (byte)columns, 1, 1, 0x11, 0 };
        output.AddRange([0xFF, 0xC4, 0, 2 + 1 + 16 + 17, 0, .. bits, .. byFrequency.Select(s => (byte)s)]);
        output.AddRange([0xFF, 0xDA, 0, 8, 1, 1, 0, 1, 0, 0]);
        int buffer = 0, count = 0;
        void Write(int value, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                buffer = (buffer << 1) | ((value >> i) & 1);
                if (++count == 8)
                {
                    output.Add((byte)buffer);
                    if (buffer == 0xFF)
                    {
                        output.Add(0);
                    }

                    (buffer, count) = (0, 0);
                }
            }
        }

        foreach (int difference in differences)
        {
            int category = Category(difference);
            Write(codes[category].Code, codes[category].Length);
            if (category is > 0 and < 16)
            {
                Write(difference > 0 ? difference : difference + (1 << category) - 1, category);
            }
        }

        while (count != 0)
        {
            Write(1, 1);
        }

        output.AddRange([0xFF, 0xD9]);
        return [.. output];

        static int Category(int difference) => difference == 32768 ? 16 : difference == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(difference));
    }
}
