using System.Collections.Concurrent;
using System.Text;

namespace Portico.Dicom.Text;

/// <summary>
/// Cached <see cref="Encoding"/> instances for the code pages behind the DICOM character sets.
/// Every instance replaces an unmappable character with '?' when encoding (no best-fit mapping,
/// which Windows code pages would otherwise apply) and an invalid byte sequence with U+FFFD when
/// decoding.
/// </summary>
/// <remarks>
/// Legacy code pages come from <see cref="CodePagesEncodingProvider.Instance"/> directly rather
/// than through <see cref="Encoding.RegisterProvider"/>, so the library does not change what
/// <see cref="Encoding.GetEncoding(int)"/> returns for the rest of the process.
/// </remarks>
internal static class CodePages
{
    public const int Latin1 = 28591;
    public const int Utf8 = 65001;
    public const int Gbk = 936;
    public const int Gb18030 = 54936;

    /// <summary>EUC-JP as Windows defines it: JIS X 0208 as two bytes 0xA1–0xFE, and JIS X 0212 as
    /// a lead byte 0xA1–0xFE followed by a trail byte 0x21–0x7E (no 0x8F single-shift prefix).</summary>
    public const int EucJpWindows = 20932;

    /// <summary>Unified Hangul Code; identical to EUC-KR for 0xA1–0xFE pairs, and unlike code
    /// page 51949 it maps KS X 1001 0x3453 to U+B2D2 as the standard does.</summary>
    public const int UnifiedHangul = 949;

    /// <summary>GB 2312 proper (EUC-CN), without the GBK additions that code page 936 places in
    /// the 0xA1–0xFE area.</summary>
    public const int Gb2312 = 20936;

    private static readonly ConcurrentDictionary<int, Encoding> Encodings = new();

    public static Encoding Get(int codePage) => Encodings.GetOrAdd(codePage, Create);

    private static Encoding Create(int codePage)
    {
        var encoderFallback = new EncoderReplacementFallback("?");
        var decoderFallback = new DecoderReplacementFallback("\uFFFD");
        Encoding? encoding = codePage is Latin1 or Utf8
            ? Encoding.GetEncoding(codePage, encoderFallback, decoderFallback)
            : CodePagesEncodingProvider.Instance.GetEncoding(codePage, encoderFallback, decoderFallback);
        return encoding ?? throw new InvalidOperationException($"Code page {codePage} is not available.");
    }
}
