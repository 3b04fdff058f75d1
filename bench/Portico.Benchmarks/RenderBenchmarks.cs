using BenchmarkDotNet.Attributes;
using Portico.Imaging;

namespace Portico.Benchmarks;

/// <summary>
/// What one rendered frame of the viewer costs the server: a 512 × 512 CT frame (signed 12 of 16 bits, rescaled,
/// windowed) and a 640 × 480 RGB ultrasound frame, each rendered, shrunk to a thumbnail, and written as PNG. The pixels
/// are made at setup (smooth with noise, like an image), so the figures measure the code, not the disk.
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

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _ct = new PixelLayout { Rows = 512, Columns = 512, BitsAllocated = 16, BitsStored = 12, HighBit = 11, Signed = true, Photometric = "MONOCHROME2", RescaleIntercept = -1024, Windows = [new VoiWindow(40, 400)] };
        _ctFrame = new byte[512 * 512 * 2];
        for (int i = 0; i < 512 * 512; i++)
        {
            int x = i % 512, y = i / 512;
            short value = (short)(Math.Clamp(1024 + (600 * Math.Sin(x / 40.0) * Math.Cos(y / 55.0)) + random.Next(-30, 30), -2048, 2047));
            BitConverter.TryWriteBytes(_ctFrame.AsSpan(i * 2), value);
        }

        _us = new PixelLayout { Rows = 480, Columns = 640, SamplesPerPixel = 3, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "RGB" };
        _usFrame = new byte[480 * 640 * 3];
        for (int i = 0; i < _usFrame.Length; i++)
        {
            _usFrame[i] = (byte)(128 + (100 * Math.Sin(i / 3000.0)) + random.Next(-20, 20));
        }

        _ctImage = FrameRenderer.Render(_ct, _ctFrame);
        _usImage = FrameRenderer.Render(_us, _usFrame);
    }

    [Benchmark]
    public RenderedImage RenderCt512() => FrameRenderer.Render(_ct, _ctFrame);

    [Benchmark]
    public RenderedImage RenderUsRgb640() => FrameRenderer.Render(_us, _usFrame);

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
}
