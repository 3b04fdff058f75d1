using System.Buffers;

namespace Portico.Dicom.Network.Pdus;

/// <summary>
/// Cuts a DIMSE command or data set into PDVs of at most a given length, one PDV per P-DATA-TF, the last one flagged
/// (PS3.8 annex E.2). The SCP host and the SCU client both send through it; each passes its own PDU writer, which is
/// where their locks and timers live.
/// </summary>
internal static class PdvFragmenter
{
    /// <summary>Sends <paramref name="bytes"/> as one message part; an empty one is a single empty last PDV.</summary>
    public static async ValueTask WriteAsync(
        Func<PDataTfPdu, CancellationToken, ValueTask> write, byte contextId, bool isCommand, ReadOnlyMemory<byte> bytes, int maxPdvData,
        CancellationToken cancellationToken)
    {
        int offset = 0;
        do
        {
            int length = Math.Min(maxPdvData, bytes.Length - offset);
            bool last = offset + length == bytes.Length;
            await write(new PDataTfPdu([new PresentationDataValue(contextId, isCommand, last, bytes.Slice(offset, length))]), cancellationToken)
                .ConfigureAwait(false);
            offset += length;
        }
        while (offset < bytes.Length);
    }

    /// <summary>
    /// Sends a data set read from <paramref name="source"/> to its end, never holding more than two PDVs of it: it
    /// reads one PDV ahead so that the last one carries the last-fragment bit.
    /// </summary>
    public static async ValueTask WriteDataSetAsync(
        Func<PDataTfPdu, CancellationToken, ValueTask> write, byte contextId, Stream source, int maxPdvData, CancellationToken cancellationToken)
    {
        byte[] current = ArrayPool<byte>.Shared.Rent(maxPdvData);
        byte[] next = ArrayPool<byte>.Shared.Rent(maxPdvData);
        try
        {
            int have = await source.ReadAtLeastAsync(current.AsMemory(0, maxPdvData), maxPdvData, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                int following = have < maxPdvData ? 0
                    : await source.ReadAtLeastAsync(next.AsMemory(0, maxPdvData), maxPdvData, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                bool last = following == 0;
                await write(new PDataTfPdu([new PresentationDataValue(contextId, false, last, current.AsMemory(0, have))]), cancellationToken).ConfigureAwait(false);
                if (last)
                {
                    return;
                }

                (current, next) = (next, current);
                have = following;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }
}
