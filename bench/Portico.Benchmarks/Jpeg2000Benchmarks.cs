using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Portico.Imaging;

namespace Portico.Benchmarks;

/// <summary>
/// What decoding one JPEG 2000 frame costs the server: a 512 × 512 CT frame (signed 12 of 16 bits, smooth with noise,
/// as in <see cref="RenderBenchmarks"/>) compressed by OpenJPEG's opj_compress (libopenjp2-tools, which must be
/// installed) lossless with the 5/3 wavelet, and lossy with the 9/7 at 10:1, both with its defaults (6 resolutions,
/// 64 × 64 code-blocks, one tile). The frames are made at setup and checked.
/// </summary>
[MemoryDiagnoser]
public class Jpeg2000Benchmarks
{
    private PixelLayout _ct = null!;
    private byte[] _lossless = [];
    private byte[] _irreversible = [];

    [GlobalSetup]
    public void Setup()
    {
        _ct = new PixelLayout { Rows = 512, Columns = 512, BitsAllocated = 16, BitsStored = 12, HighBit = 11, Signed = true, Photometric = "MONOCHROME2" };
        var random = new Random(7);
        var samples = new short[512 * 512];
        for (int i = 0; i < samples.Length; i++)
        {
            int x = i % 512, y = i / 512;
            samples[i] = (short)Math.Clamp(1024 + (600 * Math.Sin(x / 40.0) * Math.Cos(y / 55.0)) + random.Next(-30, 30), -2048, 2047);
        }

        byte[] frame = new byte[samples.Length * 2];
        Buffer.BlockCopy(samples, 0, frame, 0, frame.Length);
        _lossless = Compress(frame, []);
        _irreversible = Compress(frame, ["-I", "-r", "10"]);
        if (!Jpeg2000Decoder.Decode(_ct, _lossless).AsSpan().SequenceEqual(frame))
        {
            throw new InvalidOperationException("The lossless JPEG 2000 CT frame does not decode to its pixels.");
        }
    }

    [Benchmark]
    public byte[] DecodeLossless53Ct512() => Jpeg2000Decoder.Decode(_ct, _lossless);

    [Benchmark]
    public byte[] DecodeIrreversible97Ct512() => Jpeg2000Decoder.Decode(_ct, _irreversible);

    /// <summary>Raw little endian signed 12-bit samples through opj_compress.</summary>
    private static byte[] Compress(byte[] frame, string[] options)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"portico-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            string input = Path.Combine(directory, "ct.rawl"), output = Path.Combine(directory, "ct.j2k");
            File.WriteAllBytes(input, frame);
            using (Process process = Process.Start("opj_compress", ["-i", input, "-o", output, "-F", "512,512,1,12,s", .. options]) ?? throw new InvalidOperationException("Could not start opj_compress."))
            {
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"opj_compress failed ({process.ExitCode}).");
                }
            }

            return File.ReadAllBytes(output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
