using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace Portico.Dicom.Text;

/// <summary>
/// Decodes and encodes values under ISO/IEC 2022 code extensions as DICOM restricts them
/// (PS3.5 §6.1.2.5): G0 is invoked in GL (02/01–07/14), G1 in GR (10/01–15/14), no locking or
/// single shifts, and every value starts in the sets named by value 1 of (0008,0005).
/// </summary>
internal sealed class Iso2022Codec
{
    private const byte Esc = 0x1B;
    private const byte Space = 0x20;
    private const byte Delete = 0x7F;
    private const int StackLimit = 256;

    // At most one designation per character, plus a return to the initial G0 and G1 before a
    // delimiter or control character: 4 + 4 + 2 bytes, and one more return at the end.
    private const int MaxBytesPerChar = 10;
    private const int MaxTrailerBytes = 8;

    private static readonly SearchValues<byte> EscOrHigh = SearchValues.Create(CreateRange(0x80, 0xFF, [Esc]));
    private static readonly SearchValues<byte> EscHighOrRomajiSpecial = SearchValues.Create(CreateRange(0x80, 0xFF, [Esc, 0x5C, 0x7E]));
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(CreateCharRange((char)0x00, (char)0x7F, except: [(char)Esc]));
    private static readonly SearchValues<char> PlainRomaji = SearchValues.Create(CreateCharRange((char)0x00, (char)0x7F, except: [(char)Esc, '\\', '~']));

    private readonly CodeElement _initialG0;
    private readonly CodeElement? _initialG1;
    private readonly CodeElement _fallbackG1;
    private readonly (CodeElement Element, bool IsG1)[] _candidates;
    private readonly SearchValues<byte> _needsStateMachine;
    private readonly SearchValues<char> _encodesAsAscii;

    /// <param name="valueOne">The term in value 1, or null when value 1 is empty or unknown (ISO-IR 6 then applies).</param>
    /// <param name="terms">Every recognised term, in the order of (0008,0005).</param>
    public Iso2022Codec(CharacterSetTerm? valueOne, IReadOnlyList<CharacterSetTerm> terms)
    {
        // PS3.5 §6.1.2.5.1: value 1 (ISO 2022 IR 6 when empty) gives the sets active at the
        // start of every value. G0 must be a single-byte set for delimiters to be recognised.
        _initialG0 = valueOne?.G0 is { IsDoubleByte: false } g0 ? g0 : CodeElement.Ascii;
        _initialG1 = valueOne?.G1;

        var candidates = new List<(CodeElement Element, bool IsG1)>();
        if (_initialG0 == CodeElement.Ascii)
        {
            candidates.Add((CodeElement.Ascii, false));
        }

        foreach (CharacterSetTerm term in terms)
        {
            if (term.G0 is { } termG0 && !candidates.Contains((termG0, false)))
            {
                candidates.Add((termG0, false));
            }

            if (term.G1 is { } termG1 && !candidates.Contains((termG1, true)))
            {
                candidates.Add((termG1, true));
            }
        }

        _candidates = [.. candidates];

        // Bytes in GR while G1 is empty: read them with the first declared G1 set, which is what
        // writers that omit the escape sequence mean; Latin-1 when no term declares one.
        _fallbackG1 = _initialG1 ?? FirstG1(candidates) ?? CodeElement.Latin1;

        bool romaji = _initialG0 == CodeElement.JisX0201Romaji;
        _needsStateMachine = romaji ? EscHighOrRomajiSpecial : EscOrHigh;
        _encodesAsAscii = romaji ? PlainRomaji : PlainAscii;
    }

    public string Decode(ReadOnlySpan<byte> bytes, DecodeContext context)
    {
        if (!bytes.ContainsAny(_needsStateMachine))
        {
            return Encoding.ASCII.GetString(bytes);
        }

        // Every byte yields at most one char, so the output never outgrows the input.
        char[]? rented = null;
        Span<char> buffer = bytes.Length <= StackLimit
            ? stackalloc char[StackLimit]
            : (rented = ArrayPool<char>.Shared.Rent(bytes.Length));
        try
        {
            int written = DecodeCore(bytes, context, buffer);
            return new string(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    public byte[] Encode(string text, DecodeContext context)
    {
        if (!text.AsSpan().ContainsAnyExcept(_encodesAsAscii))
        {
            return Encoding.ASCII.GetBytes(text);
        }

        int capacity = checked((text.Length * MaxBytesPerChar) + MaxTrailerBytes);
        byte[]? rented = null;
        Span<byte> buffer = capacity <= StackLimit * 4
            ? stackalloc byte[StackLimit * 4]
            : (rented = ArrayPool<byte>.Shared.Rent(capacity));
        try
        {
            var writer = new Writer(buffer, _initialG0, _initialG1);
            EncodeCore(text, context, ref writer);
            return writer.Written.ToArray();
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private int DecodeCore(ReadOnlySpan<byte> bytes, DecodeContext context, Span<char> output)
    {
        CodeElement g0 = _initialG0;
        CodeElement? g1 = _initialG1;
        int written = 0;
        int i = 0;
        while (i < bytes.Length)
        {
            byte b = bytes[i];
            if (b == Esc)
            {
                int length = ReadDesignation(bytes[(i + 1)..], out CodeElement? element, out bool toG1);
                if (length == 0)
                {
                    output[written++] = CodeElement.Replacement;
                    i++;
                    continue;
                }

                if (element is not null)
                {
                    if (toG1)
                    {
                        g1 = element;
                    }
                    else
                    {
                        g0 = element;
                    }
                }

                i += 1 + length;
                continue;
            }

            if (b < Space)
            {
                // PS3.5 §6.1.2.5.3: the initial sets are active again at CR, LF, FF, TAB and
                // every other control character.
                output[written++] = (char)b;
                g0 = _initialG0;
                g1 = _initialG1;
                i++;
                continue;
            }

            if (b is Space or Delete)
            {
                // SPACE is not part of any 94-character set and stays SPACE whatever G0 holds.
                output[written++] = (char)b;
                i++;
                continue;
            }

            if (b < 0x80)
            {
                if (g0.IsDoubleByte)
                {
                    // Delimiters are only recognised in a single-byte G0: PS3.5 §6.1.2.5.3 makes the
                    // writer return to the initial set first, and 05/14 or 03/13 can be the second
                    // byte of a JIS X 0208 character (e.g. 02/04 05/14 is HIRAGANA LETTER MA).
                    if (i + 1 < bytes.Length && bytes[i + 1] is > Space and < Delete)
                    {
                        output[written++] = g0.Decode(b, bytes[i + 1]);
                        i += 2;
                    }
                    else
                    {
                        output[written++] = CodeElement.Replacement;
                        i++;
                    }

                    continue;
                }

                if (IsDelimiter(b, context))
                {
                    // The delimiter is 05/12, 05/14 or 03/13 whatever G0 is called; it ends the
                    // value, name component or component group, and the initial sets return.
                    output[written++] = (char)b;
                    g0 = _initialG0;
                    g1 = _initialG1;
                    i++;
                    continue;
                }

                output[written++] = g0.Decode(b);
                i++;
                continue;
            }

            if (b < 0xA0)
            {
                // C1 controls: DICOM does not use them; pass them through as ISO 8859 decoders do.
                output[written++] = (char)b;
                i++;
                continue;
            }

            CodeElement gr = g1 ?? _fallbackG1;
            if (gr.IsDoubleByte)
            {
                if (i + 1 < bytes.Length && bytes[i + 1] is >= 0xA1 and <= 0xFE)
                {
                    output[written++] = gr.Decode((byte)(b & 0x7F), (byte)(bytes[i + 1] & 0x7F));
                    i += 2;
                }
                else
                {
                    output[written++] = CodeElement.Replacement;
                    i++;
                }

                continue;
            }

            output[written++] = gr.Decode((byte)(b & 0x7F));
            i++;
        }

        return written;
    }

    private void EncodeCore(string text, DecodeContext context, ref Writer writer)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsSurrogate(c))
            {
                // None of the ISO 2022 sets reaches beyond the BMP.
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }

                WriteReplacement(ref writer, context);
            }
            else if (c < Space && c != Esc)
            {
                ReturnToInitial(ref writer);
                writer.Write((byte)c);
            }
            else if (IsDelimiter(c, context))
            {
                ReturnToInitial(ref writer);
                writer.Write((byte)c);
            }
            else if (c == Space)
            {
                if (writer.G0.IsDoubleByte)
                {
                    writer.Designate(_initialG0, toG1: false);
                }

                writer.Write(Space);
            }
            else if (c == Esc || !TryWriteGraphic(ref writer, c, context))
            {
                WriteReplacement(ref writer, context);
            }
        }

        // "Before the end of a Data Element value" the initial sets are active again.
        ReturnToInitial(ref writer);
    }

    private void WriteReplacement(ref Writer writer, DecodeContext context)
    {
        bool written = TryWriteGraphic(ref writer, '?', context);
        Debug.Assert(written, "The initial G0 set is always ASCII or JIS X 0201 Roman, both of which have '?'.");
    }

    // Prefer the sets already designated; otherwise designate the first declared set that has
    // the character (PS3.5 §6.1.2.5.3 allows only the sets named in (0008,0005)).
    private bool TryWriteGraphic(ref Writer writer, char c, DecodeContext context)
    {
        if (TryWriteIn(ref writer, writer.G0, toG1: false, c, context))
        {
            return true;
        }

        if (writer.G1 is { } g1 && TryWriteIn(ref writer, g1, toG1: true, c, context))
        {
            return true;
        }

        foreach ((CodeElement element, bool toG1) in _candidates)
        {
            if (element == (toG1 ? writer.G1 : writer.G0) || !CanWrite(element, toG1, c, context, out ushort code))
            {
                continue;
            }

            writer.Designate(element, toG1);
            writer.WriteCode(element, code, toG1);
            return true;
        }

        return false;
    }

    private static bool TryWriteIn(ref Writer writer, CodeElement element, bool toG1, char c, DecodeContext context)
    {
        if (!CanWrite(element, toG1, c, context, out ushort code))
        {
            return false;
        }

        writer.WriteCode(element, code, toG1);
        return true;
    }

    private static bool CanWrite(CodeElement element, bool toG1, char c, DecodeContext context, out ushort code)
    {
        if (!element.TryEncode(c, out code))
        {
            return false;
        }

        // A 96-character set only fits GR; in GL it would collide with SPACE and DELETE.
        if (!toG1 && element.Kind == CodeElementKind.Set96)
        {
            return false;
        }

        // JIS X 0201 Roman YEN SIGN shares 05/12 with the value delimiter; it cannot be written
        // where 05/12 separates values.
        return toG1 || element.IsDoubleByte || code != '\\' || context == DecodeContext.Text;
    }

    private void ReturnToInitial(ref Writer writer)
    {
        if (writer.G0 != _initialG0)
        {
            writer.Designate(_initialG0, toG1: false);
        }

        if (writer.G1 != _initialG1)
        {
            if (_initialG1 is null)
            {
                // Nothing can designate "no set"; readers drop G1 at the delimiter as we do.
                writer.G1 = null;
            }
            else
            {
                writer.Designate(_initialG1, toG1: true);
            }
        }
    }

    private static CodeElement? FirstG1(List<(CodeElement Element, bool IsG1)> candidates)
    {
        foreach ((CodeElement element, bool isG1) in candidates)
        {
            if (isG1)
            {
                return element;
            }
        }

        return null;
    }

    private static bool IsDelimiter(int b, DecodeContext context) => context switch
    {
        DecodeContext.PersonName => b is '\\' or '^' or '=',
        DecodeContext.MultiValued => b == '\\',
        _ => false,
    };

    // Reads the bytes after ESC: intermediate bytes 02/00–02/15, then a final byte 03/00–07/14
    // (ISO/IEC 2022 §13.1). Returns how many bytes the sequence has after ESC, or 0 when it is
    // malformed. A well-formed sequence for a set DICOM does not use gives a null element.
    private static int ReadDesignation(ReadOnlySpan<byte> bytes, out CodeElement? element, out bool toG1)
    {
        element = null;
        toG1 = false;
        int count = 0;
        while (count < bytes.Length && count < 3 && bytes[count] is >= 0x20 and <= 0x2F)
        {
            count++;
        }

        if (count == 0 || count >= bytes.Length || bytes[count] is < 0x30 or > 0x7E)
        {
            return 0;
        }

        ReadOnlySpan<byte> intermediates = bytes[..count];
        byte final = bytes[count];
        (CodeElementKind Kind, bool ToG1)? target = intermediates switch
        {
            [0x28] => (CodeElementKind.Set94, false),
            [0x29] => (CodeElementKind.Set94, true),
            [0x2D] => (CodeElementKind.Set96, true),
            [0x24] when final is 0x40 or 0x41 or 0x42 => (CodeElementKind.Set94x94, false),
            [0x24, 0x28] => (CodeElementKind.Set94x94, false),
            [0x24, 0x29] => (CodeElementKind.Set94x94, true),
            _ => null,
        };

        if (target is { } t)
        {
            element = CodeElement.FromDesignation(t.Kind, final);
            toG1 = t.ToG1;
        }

        return count + 1;
    }

    private static byte[] CreateRange(byte first, byte last, byte[] extra)
    {
        var values = new List<byte>(extra);
        for (int b = first; b <= last; b++)
        {
            values.Add((byte)b);
        }

        return [.. values];
    }

    private static char[] CreateCharRange(char first, char last, char[] except)
    {
        var values = new List<char>();
        for (int c = first; c <= last; c++)
        {
            if (Array.IndexOf(except, (char)c) < 0)
            {
                values.Add((char)c);
            }
        }

        return [.. values];
    }

    /// <summary>The output buffer and the sets currently designated to G0 and G1.</summary>
    private ref struct Writer
    {
        private readonly Span<byte> _buffer;
        private int _length;

        public Writer(Span<byte> buffer, CodeElement g0, CodeElement? g1)
        {
            _buffer = buffer;
            G0 = g0;
            G1 = g1;
        }

        public CodeElement G0 { get; private set; }

        public CodeElement? G1 { get; set; }

        public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

        public void Write(byte b) => _buffer[_length++] = b;

        public void Designate(CodeElement element, bool toG1)
        {
            byte[]? sequence = toG1 ? element.G1Designation : element.G0Designation;
            Debug.Assert(sequence is not null, "Candidates only name slots their set can be designated to.");
            sequence.CopyTo(_buffer[_length..]);
            _length += sequence.Length;
            if (toG1)
            {
                G1 = element;
            }
            else
            {
                G0 = element;
            }
        }

        public void WriteCode(CodeElement element, ushort code, bool toG1)
        {
            byte high = toG1 ? (byte)0x80 : (byte)0;
            if (element.IsDoubleByte)
            {
                Write((byte)((code >> 8) | high));
            }

            Write((byte)((code & 0xFF) | high));
        }
    }
}
