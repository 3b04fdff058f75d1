using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Text;

namespace Portico.Dicom.Text;

/// <summary>
/// The character repertoire declared by Specific Character Set (0008,0005) (PS3.3 §C.12.1.1.2,
/// PS3.5 §6.1), used to decode the bytes of SH, LO, UC, ST, LT, UT and PN values to strings and
/// to encode strings back.
/// </summary>
/// <remarks>
/// <para>
/// Parsing never throws. A term this class does not know is kept in <see cref="UnknownTerms"/>
/// and its bytes are read as ASCII, with bytes 0x80–0xFF read as Latin-1; the other terms still
/// apply. Nothing is trimmed from decoded values: callers remove the value padding.
/// </para>
/// <para>
/// Instances are immutable and thread-safe. <see cref="Parse"/> and <see cref="FromBytes"/>
/// return a shared instance for values seen before, so a dataset parser may call them per
/// dataset without allocating.
/// </para>
/// </remarks>
public sealed class SpecificCharacterSet
{
    private const int MaxCachedValues = 256;
    private const int MaxStackValueLength = 128;

    private static readonly ConcurrentDictionary<string, SpecificCharacterSet> Cache = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, SpecificCharacterSet>.AlternateLookup<ReadOnlySpan<char>> CacheBySpan =
        Cache.GetAlternateLookup<ReadOnlySpan<char>>();

    private static int _cachedCount;

    private readonly Encoding? _decoding;
    private readonly Encoding? _encoding;
    private readonly bool _asciiFastPath;
    private readonly bool _isDefault;
    private readonly Iso2022Codec? _iso2022;

    private SpecificCharacterSet(
        string[] terms,
        string[] unknownTerms,
        Encoding? decoding,
        Encoding? encoding,
        bool asciiFastPath,
        Iso2022Codec? iso2022,
        bool isDefault = false)
    {
        Terms = Array.AsReadOnly(terms);
        UnknownTerms = Array.AsReadOnly(unknownTerms);
        _decoding = decoding;
        _encoding = encoding;
        _asciiFastPath = asciiFastPath;
        _iso2022 = iso2022;
        _isDefault = isDefault;
    }

    /// <summary>The default repertoire, ISO-IR 6 (ASCII), used when (0008,0005) is absent or empty.</summary>
    public static SpecificCharacterSet Default { get; } = CreateDefault([], []);

    /// <summary>
    /// The values of (0008,0005) with their padding removed, in order. An empty value 1 stays
    /// an empty string, so joining the terms with '\' gives the attribute value back.
    /// </summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>The values of <see cref="Terms"/> that are not Defined Terms this class supports.</summary>
    public IReadOnlyList<string> UnknownTerms { get; }

    /// <summary>
    /// True when values are read as the default repertoire: no term, only ISO-IR 6, or only
    /// unknown terms (check <see cref="UnknownTerms"/> to tell those apart).
    /// </summary>
    public bool IsDefault => _isDefault;

    /// <summary>
    /// Parses the value of (0008,0005) as stored: values separated by '\', each possibly padded
    /// with spaces, value 1 possibly empty. Never throws.
    /// </summary>
    public static SpecificCharacterSet Parse(string? value)
    {
        ReadOnlySpan<char> trimmed = TrimPadding(value);
        if (trimmed.IsEmpty)
        {
            return Default;
        }

        if (CacheBySpan.TryGetValue(trimmed, out SpecificCharacterSet? cached))
        {
            return cached;
        }

        string key = trimmed.Length == value!.Length ? value : trimmed.ToString();
        SpecificCharacterSet created = Create(key);

        // Bounded, so that a stream of odd values cannot grow the cache without limit.
        if (Volatile.Read(ref _cachedCount) < MaxCachedValues)
        {
            if (Cache.TryAdd(key, created))
            {
                Interlocked.Increment(ref _cachedCount);
                return created;
            }

            return Cache.GetValueOrDefault(key, created);
        }

        return created;
    }

    /// <summary>Parses the raw bytes of the (0008,0005) value, padding included. Never throws.</summary>
    public static SpecificCharacterSet FromBytes(ReadOnlySpan<byte> rawValue)
    {
        // CS values are ASCII; Latin-1 maps each byte to one char, so odd bytes cannot fail.
        if (rawValue.Length > MaxStackValueLength)
        {
            return Parse(Encoding.Latin1.GetString(rawValue));
        }

        Span<char> chars = stackalloc char[MaxStackValueLength];
        int length = Encoding.Latin1.GetChars(rawValue, chars);
        ReadOnlySpan<char> trimmed = TrimPadding(chars[..length]);
        if (trimmed.IsEmpty)
        {
            return Default;
        }

        return CacheBySpan.TryGetValue(trimmed, out SpecificCharacterSet? cached)
            ? cached
            : Parse(trimmed.ToString());
    }

    /// <summary>
    /// Decodes the bytes of one attribute value (all its values, delimiters included). Invalid
    /// byte sequences become U+FFFD; nothing is trimmed.
    /// </summary>
    /// <param name="bytes">The value field as stored.</param>
    /// <param name="context">
    /// Which delimiters return ISO 2022 code extensions to the initial character sets
    /// (PS3.5 §6.1.2.5.3); ignored by character sets without code extensions.
    /// </param>
    public string Decode(ReadOnlySpan<byte> bytes, DecodeContext context = DecodeContext.Text)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        if (_iso2022 is not null)
        {
            return _iso2022.Decode(bytes, context);
        }

        // Every supported code page agrees with ASCII on 0x00–0x7F.
        return _asciiFastPath && Ascii.IsValid(bytes)
            ? Encoding.ASCII.GetString(bytes)
            : _decoding!.GetString(bytes);
    }

    /// <summary>
    /// Encodes a string as the value field of one attribute, without padding. With ISO 2022
    /// code extensions the escape sequences come from the declared terms only, and the initial
    /// sets are designated again before each delimiter of <paramref name="context"/>, before
    /// each control character and at the end. A character no declared set has becomes '?'.
    /// </summary>
    public byte[] Encode(string text, DecodeContext context = DecodeContext.Text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        return _iso2022 is not null ? _iso2022.Encode(text, context) : _encoding!.GetBytes(text);
    }

    /// <summary>The value of (0008,0005), without padding.</summary>
    public override string ToString() => string.Join('\\', Terms);

    private static SpecificCharacterSet CreateDefault(string[] terms, string[] unknownTerms) =>
        // Stray bytes 0x80–0xFF in a value declared as ASCII are read as Latin-1, the most common intent.
        new(terms, unknownTerms, Encoding.Latin1, Encoding.ASCII, asciiFastPath: false, iso2022: null, isDefault: true);

    private static SpecificCharacterSet Create(string value)
    {
        string[] terms = value.Split('\\');
        var known = new List<CharacterSetTerm>(terms.Length);
        var unknown = new List<string>();
        for (int i = 0; i < terms.Length; i++)
        {
            terms[i] = TrimPadding(terms[i]).ToString();
            if (terms[i].Length == 0)
            {
                continue;
            }

            if (CharacterSetTerm.Find(terms[i]) is { } term)
            {
                known.Add(term);
            }
            else
            {
                unknown.Add(terms[i]);
            }
        }

        string[] unknownTerms = [.. unknown];

        // UTF-8, GB18030 and GBK do not combine with code extensions (PS3.5 §6.1.2.5.4); one of
        // them anywhere in the value decides for the whole value.
        if (known.Find(t => t.Kind == CharacterSetTermKind.WholeValue) is { } wholeValue)
        {
            Encoding encoding = CodePages.Get(wholeValue.CodePage);
            bool asciiFastPath = wholeValue.CodePage != CodePages.Utf8;
            return new(terms, unknownTerms, encoding, encoding, asciiFastPath, iso2022: null);
        }

        if (known.TrueForAll(t => t.G0 == CodeElement.Ascii && t.G1 is null))
        {
            return CreateDefault(terms, unknownTerms);
        }

        if (terms.Length == 1 && known[0].Kind == CharacterSetTermKind.SingleByte)
        {
            Encoding encoding = CodePages.Get(known[0].CodePage);
            bool asciiFastPath = known[0].CodePage != CodePages.Latin1;
            return new(terms, unknownTerms, encoding, encoding, asciiFastPath, iso2022: null);
        }

        // Code extensions (PS3.5 §6.1.2.5), and ISO_IR 13 whose G0 is JIS X 0201 Roman rather
        // than ASCII. Value 1 gives the initial sets; when it is empty or unknown, ISO-IR 6.
        CharacterSetTerm? valueOne = CharacterSetTerm.Find(terms[0]);
        return new(terms, unknownTerms, null, null, asciiFastPath: false, new Iso2022Codec(valueOne, known));
    }

    private static ReadOnlySpan<char> TrimPadding(ReadOnlySpan<char> value) => value.Trim(" \0");
}
