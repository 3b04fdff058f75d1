using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Portico.Imaging;

/// <summary>
/// The marker stream that <see cref="JpegLosslessDecoder"/>, <see cref="JpegDctDecoder"/> and <see cref="JpegLsDecoder"/>
/// share (T.81 Annex B, T.87 Annex C): markers after fill bytes, segments by their lengths, DRI, segments that carry
/// nothing the decoding needs, the restart markers between intervals, the layout's checks, and the decoded samples
/// written out. Messages name the <see cref="JpegFormat"/>. The scans' entropy-coded data is each decoder's own.
/// </summary>
internal static class JpegSegments
{
    // T.81 Table B.1 and T.87 Table C.1: marker codes (the byte after 0xFF).
    public const byte Rst0 = 0xD0;
    public const byte Rst7 = 0xD7;
    public const byte Soi = 0xD8;
    public const byte Eoi = 0xD9;
    public const byte Sos = 0xDA;
    public const byte Dri = 0xDD;
    public const byte Tem = 0x01;

    /// <summary>JPEG Lossless's start of frame (T.81 §B.1.1.3, lossless Huffman coding).</summary>
    public const byte Sof3 = 0xC3;

    /// <summary>JPEG-LS's start of frame (T.87 §C.2.2), a reserved JPGn code in T.81.</summary>
    public const byte Sof55 = 0xF7;

    /// <summary>Refuses a layout the decoders do not decode to, before the stream is read.</summary>
    public static void CheckLayout(PixelLayout layout, JpegFormat format)
    {
        if (layout.BitsAllocated is not (8 or 16))
        {
            throw new RenderingException($"{format.Name} frames are decoded to 8 or 16 bits allocated; the image has {layout.BitsAllocated}.");
        }

        if (layout.Photometric == "YBR_FULL_422")
        {
            throw new RenderingException($"{format.Name} pixel data cannot be YBR_FULL_422: Portico decodes only components sampled 1 × 1.");
        }

        if (layout.Rows < 1 || layout.Columns < 1 || layout.SamplesPerPixel < 1)
        {
            throw new RenderingException("The image has no Rows, Columns or Samples per Pixel.");
        }
    }

    /// <summary>Refuses a frame that does not start with SOI; the markers after it start at offset 2.</summary>
    public static void CheckStart(ReadOnlySpan<byte> frame, JpegFormat format)
    {
        if (frame.Length < 2 || frame[0] != 0xFF || frame[1] != Soi)
        {
            throw new RenderingException($"The {format.Name} frame does not start with an SOI marker (FF D8).");
        }
    }

    /// <summary>The marker at <paramref name="position"/>, after any fill bytes (T.81 §B.1.1.2); leaves the position after its code.</summary>
    public static byte NextMarker(ReadOnlySpan<byte> frame, ref int position, JpegFormat format)
    {
        if (position >= frame.Length)
        {
            throw new RenderingException($"The {format.Name} frame ends without its EOI marker: it is truncated.");
        }

        if (frame[position] != 0xFF)
        {
            throw new RenderingException($"The {format.Name} frame has byte {frame[position]:X2} at offset {position:N0} where a marker (FF xx) belongs.");
        }

        while (position < frame.Length && frame[position] == 0xFF)
        {
            position++;
        }

        if (position >= frame.Length)
        {
            throw new RenderingException($"The {format.Name} frame ends in the middle of a marker: it is truncated.");
        }

        byte marker = frame[position++];
        if (marker < format.LowestMarker && marker != Tem)
        {
            throw new RenderingException($"The {format.Name} frame has entropy-coded data (FF {marker:X2}) at offset {position - 2:N0} outside a scan.");
        }

        return marker;
    }

    /// <summary>The parameters of the marker segment at <paramref name="position"/> (after its 2-byte length); moves past it.</summary>
    public static ReadOnlySpan<byte> Segment(ReadOnlySpan<byte> frame, ref int position, string name, JpegFormat format)
    {
        if (frame.Length - position < 2)
        {
            throw new RenderingException($"The {format.Name} frame ends in the length of its {name} segment: it is truncated.");
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(frame[position..]);
        if (length < 2)
        {
            throw new RenderingException($"The {name} segment of the {format.Name} frame has length {length}; at least 2 is needed.");
        }

        if (length > frame.Length - position)
        {
            throw new RenderingException($"The {name} segment of the {format.Name} frame claims {length:N0} bytes; only {frame.Length - position:N0} remain: it is truncated.");
        }

        ReadOnlySpan<byte> parameters = frame.Slice(position + 2, length - 2);
        position += length;
        return parameters;
    }

    /// <summary>
    /// A marker that both decoders treat alike, after <paramref name="position"/>: RSTn and SOI are refused, TEM stands
    /// alone, and any other segment (APPn, COM, DQT, DNL, reserved markers) carries nothing the decoding needs and is
    /// skipped.
    /// </summary>
    public static void SkipOther(ReadOnlySpan<byte> frame, ref int position, byte marker, JpegFormat format)
    {
        switch (marker)
        {
            case >= Rst0 and <= Rst7:
                throw new RenderingException($"The {format.Name} frame has a restart marker (RST{marker - Rst0}) outside a scan.");
            case Soi:
                throw new RenderingException($"The {format.Name} frame has a second SOI marker.");
            case Tem:
                break;
            default:
                Segment(frame, ref position, $"marker FF {marker:X2}", format);
                break;
        }
    }

    /// <summary>DRI: a restart interval of 2 bytes, or where the format allows, 3 or 4 (T.81 §B.2.4.4, T.87 §C.2.5).</summary>
    public static int ReadRestartInterval(ReadOnlySpan<byte> segment, JpegFormat format) => segment.Length switch
    {
        2 => BinaryPrimitives.ReadUInt16BigEndian(segment),
        3 when format.LongRestartIntervals => (segment[0] << 16) | (segment[1] << 8) | segment[2],
        4 when format.LongRestartIntervals => (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(segment), int.MaxValue),
        _ => throw new RenderingException($"The restart interval (DRI) of the {format.Name} frame is malformed."),
    };

    /// <summary>Refuses a scan header (SOS) whose length does not match its count of 1 to 4 components (T.81 §B.2.3, T.87 §C.2.3).</summary>
    public static void CheckScanHeader(ReadOnlySpan<byte> segment, JpegFormat format)
    {
        if (segment.Length < 1 || segment[0] is < 1 or > 4 || segment.Length != 4 + (2 * segment[0]))
        {
            throw new RenderingException($"The scan header (SOS) of the {format.Name} frame is malformed: its length does not match its component count.");
        }
    }

    /// <summary>
    /// At the end of a restart interval: the offset after RST<paramref name="expected"/>, the marker the entropy-coded
    /// data ends at (<paramref name="at"/>, -1 when the data runs to the end of the frame).
    /// </summary>
    public static int ExpectRestart(ReadOnlySpan<byte> data, int at, int expected, JpegFormat format)
    {
        if (at < 0)
        {
            throw new RenderingException($"The {format.Name} data ends where restart marker RST{expected} belongs: the frame is truncated.");
        }

        int next = at;
        byte marker = NextMarker(data, ref next, format);
        if (marker != Rst0 + expected)
        {
            string found = marker is >= Rst0 and <= Rst7 ? $"RST{marker - Rst0}" : $"marker FF {marker:X2}";
            throw new RenderingException($"The {format.Name} data has {found} where restart marker RST{expected} belongs: the frame is corrupt.");
        }

        return next;
    }

    /// <summary>The offset of the marker that ends a scan, <paramref name="at"/>, or -1 when the frame ends first.</summary>
    public static int EndOfScan(int at, JpegFormat format) =>
        at >= 0 ? at : throw new RenderingException($"The {format.Name} frame ends after its scan without an EOI marker: it is truncated.");

    /// <summary>
    /// Writes <paramref name="values"/>[0], [<paramref name="step"/>], [2 × step] ... shifted left by
    /// <paramref name="shift"/> to the samples <paramref name="first"/>, + <paramref name="stride"/> ... of
    /// <paramref name="output"/>, each of <paramref name="bytesPerSample"/> bytes (1, or 2 little endian).
    /// </summary>
    public static void WriteSamples(ReadOnlySpan<int> values, int step, Span<byte> output, int first, int stride, int bytesPerSample, int shift)
    {
        int count = ((values.Length - 1) / step) + 1;
        int length = ((count - 1) * stride) + 1;
        if (bytesPerSample == 1)
        {
            Span<byte> target = output.Slice(first, length);
            for (int v = 0, i = 0; v < values.Length; v += step, i += stride)
            {
                target[i] = (byte)(values[v] << shift);
            }
        }
        else
        {
            Span<ushort> target = MemoryMarshal.Cast<byte, ushort>(output).Slice(first, length);
            for (int v = 0, i = 0; v < values.Length; v += step, i += stride)
            {
                ushort value = (ushort)(values[v] << shift);
                target[i] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
            }
        }
    }
}
