using System.Buffers;
using Portico.Dicom.Dictionary;

namespace Portico.Dicom.IO;

/// <summary>
/// Finds, from the first bytes of a data set as it arrives, where its native Pixel Data (7FE0,0010) ends: a lower bound
/// of the data set's size before the rest is in (a C-STORE announces none). Only the top level is looked at; sequences
/// on the way are walked, not loaded.
/// </summary>
public static class PixelDataProbe
{
    /// <summary>Values are skipped, never copied: the probe needs lengths only.</summary>
    private static readonly DicomReaderOptions SkipValues = new() { DeferValuesLongerThan = 0 };

    /// <summary>
    /// The offset (from the data set's first byte) where native Pixel Data ends, when <paramref name="start"/> reaches
    /// its element header. False when it does not, when the pixel data is encapsulated (its length is not in its header),
    /// when the bytes are not a data set in <paramref name="syntax"/>, or for a deflated transfer syntax.
    /// </summary>
    public static bool TryFindEnd(ReadOnlyMemory<byte> start, TransferSyntax syntax, out long end)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        end = 0;
        if (syntax.IsDeflated)
        {
            return false;
        }

        var reader = new DicomReader(new ReadOnlySequence<byte>(start), isFinalBlock: false, new DicomReaderState(syntax, SkipValues));
        while (reader.Read() == DicomReadStatus.Token)
        {
            if (reader.Depth == 0 && reader.Tag == DicomTags.PixelData)
            {
                if (reader.TokenType != DicomTokenType.Element)
                {
                    return false; // encapsulated: fragments of undefined total length
                }

                end = reader.ValueOffset + reader.Length;
                return true;
            }

            if (reader.Depth == 0 && reader.TokenType == DicomTokenType.Element && reader.Tag.Group > 0x7FE0)
            {
                return false; // past where Pixel Data would be: there is none
            }
        }

        return false;
    }
}
