using System.Buffers.Binary;
using Portico.Imaging.Jpeg2000;

namespace Portico.Imaging;

/// <summary>
/// Decodes one frame of JPEG 2000 pixel data: transfer syntaxes 1.2.840.10008.1.2.4.90 (JPEG 2000 Lossless Only) and
/// 1.2.840.10008.1.2.4.91 (JPEG 2000), PS3.5 §8.2.4 and §A.4.4. The frame is an ITU-T T.800 (ISO/IEC 15444-1) Part 1
/// codestream, or one wrongly wrapped in a JP2 file (its <c>jp2c</c> box is used): any tiling and tile-parts, every
/// progression order and progression order change (POC), packed packet headers (PPM, PPT), SOP and EPH markers,
/// default and explicit precincts, every code-block size and style, region of interest shifts (RGN), the 5/3 and 9/7
/// wavelets with any number of levels, no, derived or expounded quantisation, and 1 to 16 bits, signed or unsigned.
/// Every layer is decoded at full resolution. The result is native little endian pixel data in the layout's Bits
/// Allocated (8 or 16), samples interleaved (Planar Configuration 0), ready for <see cref="FrameRenderer.Render"/> with
/// <c>planar: false</c>.
/// </summary>
/// <remarks>
/// <para>
/// Colour: when the codestream's COD asks for the multiple component transform, its inverse (RCT with the 5/3 wavelet,
/// ICT with the 9/7) is applied, so the samples are R, G, B. DICOM marks such frames YBR_RCT or YBR_ICT; the caller must
/// render them as RGB (<see cref="RenderedPhotometric"/> says what to pass). Without the transform the components are
/// left as they are (RGB stays RGB, YBR_FULL stays YBR_FULL).
/// </para>
/// <para>
/// Where the codestream and the data set disagree on precision or signedness (some writers mark Pixel Representation
/// wrongly, as pydicom's J2K_pixelrep_mismatch.dcm), the codestream decides how samples are decoded (its DC level shift
/// and range) and the layout how they are stored: each value is written as two's complement in Bits Allocated, so the
/// renderer reads the same bits the encoder was given, as Bits Stored and Pixel Representation describe them.
/// Precision above Bits Allocated is refused.
/// </para>
/// <para>
/// Refused with a <see cref="RenderingException"/>: subsampled components (SIZ XRsiz/YRsiz above 1) among those shown,
/// more than 16 bits, Part 2 and HTJ2K features, a component count other than the samples per pixel (a fourth, alpha,
/// component beside three colour ones is ignored), and any malformed input. Nothing is allocated by the headers'
/// sizes before SIZ agrees with the layout; a tile's structures only once its data is long enough for its packets.
/// </para>
/// </remarks>
public static class Jpeg2000Decoder
{
    /// <exception cref="RenderingException">The frame is malformed, is not JPEG 2000, uses what Portico does not decode, or disagrees with the layout.</exception>
    public static byte[] Decode(PixelLayout layout, ReadOnlySpan<byte> frame)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.BitsAllocated is not (8 or 16))
        {
            throw new RenderingException($"JPEG 2000 frames are decoded to 8 or 16 bits allocated; the image has {layout.BitsAllocated}.");
        }

        if (layout.SamplesPerPixel is not (1 or 3) || layout.Photometric == "YBR_FULL_422")
        {
            throw new RenderingException($"JPEG 2000 frames are decoded to 1 or 3 samples per pixel, sampled 1 × 1; the image has {layout.SamplesPerPixel} ({layout.Photometric}).");
        }

        if (layout.Rows < 1 || layout.Columns < 1)
        {
            throw new RenderingException("The image has no Rows or Columns.");
        }

        if (layout.FrameBytes > Array.MaxLength)
        {
            throw new RenderingException($"A frame of {layout.Columns} × {layout.Rows} × {layout.SamplesPerPixel} samples of {layout.BitsAllocated} bits is too large to decode.");
        }

        ReadOnlySpan<byte> codestream = FindCodestream(frame);
        var stream = Codestream.Read(codestream, layout);
        var output = new byte[layout.FrameBytes];
        try
        {
            new TileDecoder(stream, layout, output).DecodeAll(codestream);
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or OverflowException or InvalidOperationException)
        {
            // A guard this decoder lacks: still bad input, never a crash of the caller.
            throw new RenderingException("The JPEG 2000 codestream is corrupt: its data contradict its headers.", ex);
        }

        return output;
    }

    /// <summary>
    /// The Photometric Interpretation to render <see cref="Decode"/>'s output with: RGB for YBR_RCT and YBR_ICT (the
    /// decoder undid the component transform), otherwise the layout's own.
    /// </summary>
    public static string RenderedPhotometric(PixelLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Photometric is "YBR_RCT" or "YBR_ICT" ? "RGB" : layout.Photometric;
    }

    /// <summary>The codestream: the frame itself (SOC first), or the contents of a JP2 file's contiguous codestream box.</summary>
    private static ReadOnlySpan<byte> FindCodestream(ReadOnlySpan<byte> frame)
    {
        if (frame.Length >= 2 && frame[0] == 0xFF && frame[1] == 0x4F)
        {
            return frame;
        }

        // ISO/IEC 15444-1 Annex I: boxes of LBox (4 bytes, 1: XLBox of 8 follows, 0: to the end), TBox (4 bytes), contents.
        if (frame.Length < 12 || BinaryPrimitives.ReadUInt32BigEndian(frame[4..]) != 0x6A502020)
        {
            throw new RenderingException("The frame is not JPEG 2000: it starts with neither an SOC marker (FF 4F) nor a JP2 signature box.");
        }

        int position = 0;
        while (frame.Length - position >= 8)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(frame[position..]);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(frame[(position + 4)..]);
            int header = 8;
            if (length == 1)
            {
                if (frame.Length - position < 16)
                {
                    break;
                }

                ulong extended = BinaryPrimitives.ReadUInt64BigEndian(frame[(position + 8)..]);
                length = extended > int.MaxValue ? long.MaxValue : (long)extended;
                header = 16;
            }
            else if (length == 0)
            {
                length = frame.Length - position;
            }

            if (length < header || length > frame.Length - position)
            {
                throw new RenderingException($"A box of the JP2 file around the JPEG 2000 codestream claims {length:N0} bytes; {frame.Length - position:N0} are left.");
            }

            if (type == 0x6A703263)
            {
                return frame.Slice(position + header, (int)length - header);
            }

            position += (int)length;
        }

        throw new RenderingException("The frame is a JP2 file without a contiguous codestream box (jp2c).");
    }
}
