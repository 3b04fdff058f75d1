using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Dicom.IO;

/// <summary>
/// The one async driver of <see cref="DicomReader"/> over a stream: finds the preamble and meta
/// information, picks the transfer syntax (from the meta, or detected for a bare data set), inflates
/// deflated data sets, and keeps large values as ranges when the stream can seek.
/// </summary>
internal static class DicomFileReader
{
    private const int PreambleLength = 128;

    public static async Task<DicomFile> ReadAsync(Stream stream, DicomFileReadOptions? options, string? path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= DicomFileReadOptions.Default;
        long streamLength = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        long basePosition = stream.CanSeek ? stream.Position : 0;
        using var source = new BufferedSource(stream, basePosition);
        var arena = new ValueArena();
        var readerOptions = new DicomReaderOptions { MaxDepth = options.MaxDepth, DeferValuesLongerThan = options.DeferValuesLongerThan };

        await source.FillAsync(PreambleLength + 4, cancellationToken).ConfigureAwait(false);
        byte[]? preamble = null;
        bool hasMeta = false;
        ReadOnlyMemory<byte> head = source.Buffered;
        if (head.Length >= PreambleLength + 4 && head.Span.Slice(PreambleLength, 4).SequenceEqual("DICM"u8))
        {
            preamble = head[..PreambleLength].ToArray();
            source.Consume(PreambleLength + 4);
            hasMeta = true;
        }
        else if (head.Length >= 4 && head.Span[..4].SequenceEqual("DICM"u8))
        {
            source.Consume(4);
            hasMeta = true;
        }
        else if (head.Length >= 8 && head.Span[0] == 0x02 && head.Span[1] == 0x00)
        {
            // Meta information without a preamble: tolerated, as DCMTK does.
            hasMeta = true;
        }

        var meta = new DicomDataset();
        long endLimit = streamLength == long.MaxValue ? long.MaxValue : basePosition + streamLength;
        if (hasMeta)
        {
            var metaState = new DicomReaderState(explicitVR: true, bigEndian: false, readerOptions) { OnlyGroup = 0x0002, EndLimit = endLimit };
            metaState.Advance(source.Position);
            var metaBuilder = new DatasetBuilder(meta, arena);
            await RunAsync(source, metaState, metaBuilder, options, stopAfterPixelData: false, cancellationToken).ConfigureAwait(false);
        }

        TransferSyntax? syntax = null;
        string? uid = meta.GetString(DicomTag.TransferSyntaxUIDTag);
        if (!string.IsNullOrEmpty(uid))
        {
            syntax = TransferSyntax.FromUid(uid);
        }
        else
        {
            await source.FillAsync(8, cancellationToken).ConfigureAwait(false);
            syntax = Detect(source.Buffered.Span);
            if (syntax is null)
            {
                if (source.Count == 0 && hasMeta)
                {
                    syntax = TransferSyntax.ExplicitVRLittleEndian;
                }
                else
                {
                    throw new DicomFormatException(DicomReadError.NotDicom, source.Position, null);
                }
            }
        }

        var dataset = new DicomDataset();
        var builder = new DatasetBuilder(dataset, arena);
        uint stopTag = options.StopAt?.Value ?? 0;
        bool stoppedEarly;
        if (syntax.IsDeflated)
        {
            // PS3.5 §A.5: everything after the meta information is raw deflate. Offsets refer to the inflated bytes,
            // so nothing can stay in the source as a range; the inflated size is capped against deflate bombs.
            await using var inflater = new DeflateStream(source.RemainderAsStream(), CompressionMode.Decompress);
            using var inflated = new BufferedSource(inflater, 0, options.MaxInflatedLength);
            var state = new DicomReaderState(syntax, readerOptions) { StopTag = stopTag };
            try
            {
                stoppedEarly = await RunAsync(inflated, state, builder, options, stopAfterPixelData: false, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new DicomFormatException($"Invalid DICOM: the deflated data set is corrupt ({ex.Message}) at offset {source.Position}.", ex);
            }
        }
        else
        {
            var state = new DicomReaderState(syntax, readerOptions) { StopTag = stopTag, EndLimit = endLimit };
            state.Advance(source.Position);
            stoppedEarly = await RunAsync(source, state, builder, options, stopAfterPixelData: false, cancellationToken).ConfigureAwait(false);
        }

        return new DicomFile(meta, dataset, syntax)
        {
            Preamble = preamble,
            SourcePath = path,
            SourceStream = path is null && stream.CanSeek && !syntax.IsDeflated ? stream : null,
            PixelDataOffset = builder.PixelDataOffset,
            PixelDataValueOffset = builder.PixelDataValueOffset,
            PixelDataLength = builder.PixelDataLength,
            IsHeaderOnly = stoppedEarly,
        };
    }

    /// <summary>Guesses the encoding of a bare data set from its first element (PS3.5 §7.1).</summary>
    internal static TransferSyntax? Detect(ReadOnlySpan<byte> first)
    {
        if (first.Length < 8)
        {
            return null;
        }

        ushort groupLE = BinaryPrimitives.ReadUInt16LittleEndian(first);
        ushort groupBE = BinaryPrimitives.ReadUInt16BigEndian(first);
        bool bigEndian = groupBE < groupLE;
        ushort group = bigEndian ? groupBE : groupLE;
        if (group > 0x7FE0)
        {
            return null;
        }

        bool explicitVR = first[4] is >= (byte)'A' and <= (byte)'Z' && first[5] is >= (byte)'A' and <= (byte)'Z' && DicomVR.TryParse(first.Slice(4, 2), out _);
        if (!explicitVR && group > 0x0010)
        {
            // An implicit VR data set starts with a low group (0000-0010): anything else is not DICOM (text, JSON...).
            return null;
        }
        return (explicitVR, bigEndian) switch
        {
            (true, true) => TransferSyntax.ExplicitVRBigEndian,
            (true, false) => TransferSyntax.ExplicitVRLittleEndian,
            (false, false) => TransferSyntax.ImplicitVRLittleEndian,
            _ => null,
        };
    }

    private enum StepKind
    {
        NeedMoreData,
        Deferred,
        End,
        Stopped,
    }

    private readonly record struct Step(StepKind Kind, long BytesNeeded = 0, DicomTokenType Type = default, DicomTag Tag = default, DicomVR VR = default,
        long HeaderOffset = 0, long ValueOffset = 0, long Length = 0, bool BigEndian = false, int Depth = 0);

    /// <summary>Feeds the buffered bytes to a reader until it needs I/O. Returns true when reading stopped at the stop tag.</summary>
    private static async Task<bool> RunAsync(BufferedSource source, DicomReaderState state, DatasetBuilder builder, DicomFileReadOptions options, bool stopAfterPixelData, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Step step = Process(source, ref state, builder, stopAfterPixelData);
            switch (step.Kind)
            {
                case StepKind.End:
                    return false;
                case StepKind.Stopped when stopAfterPixelData:
                    return true;
                case StepKind.Stopped:
                    if (state.StopTag == DicomTag.PixelDataTag.Value && state.CurrentDepth == 0 && await IsAtPixelDataAsync(source, state, cancellationToken).ConfigureAwait(false))
                    {
                        // Report where Pixel Data is and how long, leaving every byte of it in the source.
                        state.StopTag = 0;
                        state.Options = state.Options with { DeferValuesLongerThan = 0 };
                        stopAfterPixelData = true;
                        continue;
                    }

                    return true;
                case StepKind.NeedMoreData:
                    await source.FillAsync(Math.Max(step.BytesNeeded, source.Count + 1), cancellationToken).ConfigureAwait(false);
                    break;
                case StepKind.Deferred:
                    if (source.CanSeek || stopAfterPixelData)
                    {
                        builder.OnDeferred(step.Type, step.Tag, step.VR, step.HeaderOffset, step.ValueOffset, step.Length, step.BigEndian, step.Depth);
                        await source.SkipAsync(step.Length, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        if (step.Length > options.MaxLoadedValueLength)
                        {
                            throw new DicomFormatException(DicomReadError.ValueTooLong, step.ValueOffset, step.Tag);
                        }

                        byte[] value = await LoadAsync(source, step.Length, step.ValueOffset, step.Tag, cancellationToken).ConfigureAwait(false);
                        builder.OnLoaded(step.Type, step.Tag, step.VR, value, step.BigEndian);
                    }

                    state.ValueBytesTaken(step.Length);
                    if (stopAfterPixelData && builder.PixelDataComplete)
                    {
                        return true;
                    }

                    break;
            }
        }
    }

    private static Step Process(BufferedSource source, ref DicomReaderState state, DatasetBuilder builder, bool stopAfterPixelData)
    {
        var reader = new DicomReader(new ReadOnlySequence<byte>(source.Buffered), source.EndOfStream, state);
        while (true)
        {
            DicomReadStatus status = reader.Read();
            switch (status)
            {
                case DicomReadStatus.Token:
                    if (reader.IsValueDeferred)
                    {
                        var deferred = new Step(StepKind.Deferred, 0, reader.TokenType, reader.Tag, reader.VR, reader.HeaderOffset, reader.ValueOffset, reader.Length, reader.IsBigEndian, reader.Depth);
                        source.Consume(reader.BytesConsumed);
                        state = reader.CurrentState;
                        return deferred;
                    }

                    builder.OnToken(ref reader);
                    if (stopAfterPixelData && builder.PixelDataComplete)
                    {
                        source.Consume(reader.BytesConsumed);
                        state = reader.CurrentState;
                        return new Step(StepKind.Stopped);
                    }

                    continue;
                case DicomReadStatus.NeedMoreData:
                    long needed = reader.BytesNeeded;
                    source.Consume(reader.BytesConsumed);
                    state = reader.CurrentState;
                    return new Step(StepKind.NeedMoreData, needed);
                case DicomReadStatus.EndOfData:
                    source.Consume(reader.BytesConsumed);
                    state = reader.CurrentState;
                    return new Step(StepKind.End);
                case DicomReadStatus.Stopped:
                    source.Consume(reader.BytesConsumed);
                    state = reader.CurrentState;
                    return new Step(StepKind.Stopped);
                default:
                    throw new DicomFormatException(reader.Error, reader.ErrorOffset, reader.Tag);
            }
        }
    }

    private static async ValueTask<bool> IsAtPixelDataAsync(BufferedSource source, DicomReaderState state, CancellationToken cancellationToken)
    {
        await source.FillAsync(4, cancellationToken).ConfigureAwait(false);
        ReadOnlySpan<byte> b = source.Buffered.Span;
        if (b.Length < 4)
        {
            return false;
        }

        uint tag = state.BigEndian
            ? ((uint)BinaryPrimitives.ReadUInt16BigEndian(b) << 16) | BinaryPrimitives.ReadUInt16BigEndian(b[2..])
            : ((uint)BinaryPrimitives.ReadUInt16LittleEndian(b) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(b[2..]);
        return tag == DicomTag.PixelDataTag.Value;
    }

    /// <summary>Loads a value from a source that cannot seek, growing the array as bytes arrive, never by the declared length alone.</summary>
    private static async ValueTask<byte[]> LoadAsync(BufferedSource source, long length, long offset, DicomTag tag, CancellationToken cancellationToken)
    {
        const int Step = 1024 * 1024;
        if (length <= Step)
        {
            byte[] small = new byte[length];
            await source.ReadExactlyAsync(small, cancellationToken).ConfigureAwait(false);
            return small;
        }

        using var collected = new MemoryStream();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(Step);
        try
        {
            long rest = length;
            while (rest > 0)
            {
                int n = (int)Math.Min(rest, Step);
                try
                {
                    await source.ReadExactlyAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }
                catch (DicomFormatException) when (source.EndOfStream)
                {
                    throw new DicomFormatException(DicomReadError.Truncated, offset, tag);
                }

                collected.Write(chunk, 0, n);
                rest -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return collected.ToArray();
    }
}
