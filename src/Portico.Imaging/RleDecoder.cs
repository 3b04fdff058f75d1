using System.Buffers.Binary;

namespace Portico.Imaging;

/// <summary>
/// Decodes one frame of RLE Lossless pixel data (PS3.5 Annex G): a header of up to 15 segment offsets, then one
/// PackBits-style segment per byte of each sample, most significant byte first. The result is native little endian pixel
/// data with each sample in a plane of its own (Planar Configuration 1).
/// </summary>
public static class RleDecoder
{
    private const int HeaderBytes = 64;

    /// <summary>The most bytes one byte of a segment decodes to: a replicate run of two bytes gives 128.</summary>
    private const int MostBytesPerSegmentByte = 64;

    /// <exception cref="RenderingException">The frame is malformed: a bad header, or a segment that decodes to the wrong length.</exception>
    public static byte[] Decode(PixelLayout layout, ReadOnlySpan<byte> frame)
    {
        ArgumentNullException.ThrowIfNull(layout);
        int bytesPerSample = layout.BitsAllocated / 8;
        long pixels = (long)layout.Rows * layout.Columns;
        int expected = layout.SamplesPerPixel * bytesPerSample;
        if (frame.Length < HeaderBytes)
        {
            throw new RenderingException("The RLE frame is shorter than its 64-byte header.");
        }

        if (expected is < 1 or > 15)
        {
            throw new RenderingException($"{layout.SamplesPerPixel} samples of {layout.BitsAllocated} bits cannot be RLE Lossless (at most 15 segments).");
        }

        uint segments = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (segments != expected)
        {
            throw new RenderingException($"The RLE frame has {segments} segments; {layout.SamplesPerPixel} samples of {layout.BitsAllocated} bits need {expected}.");
        }

        // Before anything is allocated: each segment must lie in the frame and be long enough to decode to its plane,
        // so a few bytes claiming a huge image are refused rather than costing its size in memory.
        for (int segment = 0; segment < expected; segment++)
        {
            (int start, int end) = Bounds(frame, segment, expected);
            if (pixels > (long)MostBytesPerSegmentByte * (end - start))
            {
                throw new RenderingException($"RLE segment {segment + 1} holds {end - start:N0} bytes, too few to decode to the {pixels:N0} the image needs.");
            }
        }

        if (pixels * expected > Array.MaxLength)
        {
            throw new RenderingException($"{layout.Rows} × {layout.Columns} pixels of {expected} bytes are too many to decode.");
        }

        var output = new byte[pixels * expected];
        for (int segment = 0; segment < expected; segment++)
        {
            (int start, int end) = Bounds(frame, segment, expected);

            // Segment s × bytes + b holds byte b (0 = most significant) of sample s; stored little endian in sample s's plane.
            int sample = segment / bytesPerSample, significance = segment % bytesPerSample;
            int at = (int)((sample * pixels * bytesPerSample) + (bytesPerSample - 1 - significance));
            Unpack(frame[start..end], output, at, bytesPerSample, (int)pixels, segment + 1);
        }

        return output;
    }

    /// <summary>Where segment <paramref name="segment"/> (0-based) starts and ends: at the next one's offset, the last at the frame's end.</summary>
    private static (int Start, int End) Bounds(ReadOnlySpan<byte> frame, int segment, int segments)
    {
        uint start = BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + (4 * segment))..]);
        uint end = segment + 1 < segments ? BinaryPrimitives.ReadUInt32LittleEndian(frame[(8 + (4 * segment))..]) : (uint)frame.Length;
        if (start < HeaderBytes || end < start || end > frame.Length)
        {
            throw new RenderingException($"RLE segment {segment + 1} lies outside its frame.");
        }

        return ((int)start, (int)end);
    }

    private static void Unpack(ReadOnlySpan<byte> source, byte[] output, int at, int stride, int count, int segment)
    {
        int written = 0, i = 0;
        while (written < count && i < source.Length)
        {
            int n = (sbyte)source[i++];
            if (n >= 0)
            {
                int run = n + 1;
                if (i + run > source.Length || written + run > count)
                {
                    throw new RenderingException($"RLE segment {segment} runs past its end.");
                }

                for (int k = 0; k < run; k++)
                {
                    output[at + ((written + k) * stride)] = source[i + k];
                }

                i += run;
                written += run;
            }
            else if (n != -128)
            {
                int run = 1 - n;
                if (i >= source.Length || written + run > count)
                {
                    throw new RenderingException($"RLE segment {segment} runs past its end.");
                }

                byte value = source[i++];
                for (int k = 0; k < run; k++)
                {
                    output[at + ((written + k) * stride)] = value;
                }

                written += run;
            }
        }

        if (written != count)
        {
            throw new RenderingException($"RLE segment {segment} decodes to {written:N0} bytes; the image needs {count:N0}.");
        }
    }
}
