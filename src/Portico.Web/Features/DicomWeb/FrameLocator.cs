using System.Buffers.Binary;
using System.Globalization;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;

namespace Portico.Web.Features.DicomWeb;

/// <summary>
/// Where each frame of an instance's pixel data lies in its stored file, for WADO-RS frame retrieval: native pixel data
/// cut into frames of Rows × Columns × Samples per Pixel × Bits Allocated, encapsulated pixel data split into frames by
/// its Basic Offset Table, or one fragment per frame, or all fragments for a single frame (PS3.5 §A.4). Large values are
/// not loaded: a frame is a list of byte ranges of the file, copied out as the answer is written.
/// </summary>
internal sealed class FrameLocator
{
    /// <summary>
    /// Values longer than this stay in the file as ranges. Read: a Basic Offset Table of up to 32,768 frames, and palette
    /// colour tables of 65,536 16-bit entries.
    /// </summary>
    private static readonly DicomFileReadOptions ReadOptions = new() { DeferValuesLongerThan = 128 * 1024 };

    private readonly List<Segment[]> _frames;

    private FrameLocator(DicomDataset dataset, string transferSyntaxUid, List<Segment[]> frames)
    {
        Dataset = dataset;
        TransferSyntaxUid = transferSyntaxUid;
        _frames = frames;
    }

    /// <summary>One piece of a frame: bytes already read, or a range of the file.</summary>
    public readonly record struct Segment(ReadOnlyMemory<byte> Bytes, long Offset, long Length)
    {
        /// <summary>Writes the segment to <paramref name="target"/>, reading it from <paramref name="file"/> when it lies there.</summary>
        public async Task CopyToAsync(Stream file, Stream target, byte[] buffer, CancellationToken cancellationToken)
        {
            if (!Bytes.IsEmpty || Length == 0)
            {
                await target.WriteAsync(Bytes, cancellationToken);
                return;
            }

            file.Position = Offset;
            for (long left = Length; left > 0;)
            {
                int read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
                if (read == 0)
                {
                    throw new EndOfStreamException("The stored file ended inside its pixel data.");
                }

                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                left -= read;
            }
        }
    }

    /// <summary>The instance's data set, its large values (pixel data among them) left in the file.</summary>
    public DicomDataset Dataset { get; }

    /// <summary>The transfer syntax the frames are in (Explicit VR Little Endian for native pixel data).</summary>
    public string TransferSyntaxUid { get; }

    public int Count => _frames.Count;

    /// <summary>The segments of frame <paramref name="number"/> (1-based).</summary>
    public Segment[] Frame(int number) => _frames[number - 1];

    /// <summary>Reads frame <paramref name="number"/> (1-based) into memory: at most <paramref name="maxBytes"/>.</summary>
    /// <exception cref="FrameException">The frame is larger than that.</exception>
    public async Task<byte[]> ReadFrameAsync(Stream file, int number, long maxBytes, CancellationToken cancellationToken)
    {
        Segment[] segments = Frame(number);
        long total = segments.Sum(s => s.Length);
        if (total > maxBytes)
        {
            throw new FrameException($"Frame {number} holds {total:N0} bytes, more than the {maxBytes:N0} Portico renders.");
        }

        var bytes = new byte[total];
        int at = 0;
        foreach (Segment segment in segments)
        {
            if (!segment.Bytes.IsEmpty || segment.Length == 0)
            {
                segment.Bytes.Span.CopyTo(bytes.AsSpan(at));
            }
            else
            {
                file.Position = segment.Offset;
                await file.ReadExactlyAsync(bytes.AsMemory(at, (int)segment.Length), cancellationToken);
            }

            at += (int)segment.Length;
        }

        return bytes;
    }

    /// <summary>Reads the structure of the file in <paramref name="stream"/> (a seekable stream of the stored file).</summary>
    /// <exception cref="FrameException">The instance has no pixel data, or its frames cannot be told apart.</exception>
    public static async Task<FrameLocator> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        DicomFile file = await DicomFile.ReadAsync(stream, ReadOptions, cancellationToken);
        DicomDataset dataset = file.Dataset;
        int frames = int.TryParse(dataset.GetString(DicomTags.NumberOfFrames)?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 1;
        return dataset.Find(DicomTags.PixelData) switch
        {
            DicomFragments fragments => new FrameLocator(dataset, file.TransferSyntax.Uid, await EncapsulatedAsync(stream, fragments, frames, cancellationToken)),
            DicomElement pixels when file.TransferSyntax.IsBigEndian =>
                throw new FrameException("The pixel data is stored big endian; frames are sent little endian only. Retrieve the instance instead."),
            DicomElement pixels => new FrameLocator(dataset, TransferSyntax.ExplicitVRLittleEndian.Uid, Native(dataset, pixels, frames)),
            _ => throw new FrameException("The instance has no pixel data.", StatusCodes.Status404NotFound),
        };
    }

    private static List<Segment[]> Native(DicomDataset dataset, DicomElement pixels, int frames)
    {
        // YBR_FULL_422 keeps two chroma samples per pair of pixels: two samples per pixel, not three (PS3.3 C.7.6.3.1.2).
        int samples = (dataset.GetString(DicomTags.PhotometricInterpretation)?.Trim()) == "YBR_FULL_422" ? 2 : Math.Max((ushort)1, dataset.GetValue<ushort>(DicomTags.SamplesPerPixel));
        long bits = (long)dataset.GetValue<ushort>(DicomTags.Rows) * dataset.GetValue<ushort>(DicomTags.Columns) * samples * dataset.GetValue<ushort>(DicomTags.BitsAllocated);
        if (bits == 0 || bits % 8 != 0)
        {
            throw new FrameException("The frames of this pixel data do not start on byte boundaries. Retrieve the instance instead.");
        }

        long size = bits / 8;
        var result = new List<Segment[]>(frames);
        for (int i = 0; i < frames && (i + 1) * size <= pixels.Length; i++)
        {
            result.Add([pixels.Range is { } range ? new Segment(default, range.Offset + (i * size), size) : new Segment(pixels.Value.Slice((int)(i * size), (int)size), 0, size)]);
        }

        return result;
    }

    private static async Task<List<Segment[]>> EncapsulatedAsync(Stream stream, DicomFragments pixels, int frames, CancellationToken cancellationToken)
    {
        List<DicomFragment> items = pixels.Fragments;
        var fragments = items.Skip(1).Select(f => f.Range is { } r ? new Segment(default, r.Offset, r.Length) : new Segment(f.Data, 0, f.Data.Length)).ToList();
        if (fragments.Count == 0)
        {
            throw new FrameException("The instance has no pixel data.", StatusCodes.Status404NotFound);
        }

        if (frames == 1)
        {
            return [[.. fragments]];
        }

        byte[] table = items.Count > 0 ? await BytesAsync(stream, items[0], cancellationToken) : [];
        if (table.Length >= 4 * frames)
        {
            // Offsets of each frame's first item, counted from the first fragment's item header (8 bytes per header).
            var starts = new long[frames];
            for (int i = 0; i < frames; i++)
            {
                starts[i] = BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(4 * i));
            }

            var result = new List<Segment[]>(frames);
            var current = new List<Segment>();
            long position = 0;
            int frame = 0;
            foreach (Segment fragment in fragments)
            {
                while (frame + 1 < frames && position >= starts[frame + 1])
                {
                    result.Add([.. current]);
                    current.Clear();
                    frame++;
                }

                current.Add(fragment);
                position += 8 + fragment.Length;
            }

            result.Add([.. current]);
            return result.Count == frames ? result : throw Unsplittable();
        }

        return fragments.Count == frames ? [.. fragments.Select(f => new[] { f })] : throw Unsplittable();
    }

    private static async Task<byte[]> BytesAsync(Stream stream, DicomFragment item, CancellationToken cancellationToken)
    {
        if (item.Range is not { } range)
        {
            return item.Data.ToArray();
        }

        var bytes = new byte[range.Length];
        stream.Position = range.Offset;
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    private static FrameException Unsplittable() =>
        new("The frames of this encapsulated pixel data cannot be told apart (several fragments per frame and no usable offset table). Retrieve the instance instead.");
}

/// <summary>Frames cannot be given for this instance; the message says why.</summary>
/// <param name="statusCode">404 when there are no frames at all, 406 when Portico cannot send them as frames.</param>
internal sealed class FrameException(string message, int statusCode = StatusCodes.Status406NotAcceptable) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
