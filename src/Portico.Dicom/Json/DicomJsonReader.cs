using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Dicom.Json;

/// <summary>
/// Reads DICOM JSON Model objects (PS3.18 F.2) into data sets. The input is untrusted: anything that is
/// not well-formed JSON or not a valid model throws <see cref="DicomFormatException"/> saying what and
/// where (tag path), never a value, so the message is safe to log.
/// </summary>
/// <remarks>
/// <para>
/// Values become the bytes a Part 10 encoding would hold: binary values little endian, text values
/// UTF-8, multiple values joined with a backslash, padded to even length with the VR's padding byte.
/// JSON is UTF-8, so when non-ASCII text is read, Specific Character Set (0008,0005) becomes
/// "ISO_IR 192": it is added to the top-level data set when absent, and replaced when the data set
/// declared another repertoire (the JSON text was UTF-8 whatever it said, PS3.18 F.2.2 note 3). A
/// data set whose text is all ASCII keeps the (0008,0005) it declared.
/// </para>
/// <para>
/// Lenient where the standard allows it or no data is at risk: attribute order is free (F.2.2 asks
/// writers for ascending order), tag keys and AT values may use lowercase hex digits, "vr" may follow
/// "Value", DS/IS/SV/UV accept strings or numbers, InlineBinary is accepted for any binary VR, a PN
/// value may also be a plain string ("Alphabetic=Ideographic=Phonetic"), Group Length attributes are
/// ignored, and a UTF-8 byte order mark is skipped. Strict where data would silently change: unknown
/// members, duplicate tags, a backslash inside one value of a multi-valued VR, null in a binary VR, a
/// number out of the VR's range, and more values than a single-valued VR holds are all refused.
/// </para>
/// </remarks>
public static class DicomJsonReader
{
    /// <summary>Longest escaped form of a key, VR or AT value looked at (eight digits written as \u escapes are 48 bytes).</summary>
    private const int ShortStringLimit = 64;

    private static DicomElement Utf8CharacterSetElement() =>
        new(DicomTag.SpecificCharacterSetTag, DicomVR.CS, Encoding.ASCII.GetBytes(DicomJsonModel.Utf8CharacterSet));

    /// <summary>Reads one data set: a JSON object, or an array holding exactly one (PS3.18 F.2.1).</summary>
    /// <exception cref="DicomFormatException">The text is not well-formed JSON or not a valid DICOM JSON Model object.</exception>
    public static DicomDataset Deserialize(string json, DicomJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Deserialize(Encoding.UTF8.GetBytes(json), options);
    }

    /// <summary>Reads one data set: a JSON object, or an array holding exactly one (PS3.18 F.2.1).</summary>
    /// <exception cref="DicomFormatException">The text is not well-formed JSON or not a valid DICOM JSON Model object.</exception>
    public static DicomDataset Deserialize(ReadOnlySpan<byte> utf8Json, DicomJsonOptions? options = null) =>
        Read(utf8Json, options, single: true)[0];

    /// <summary>Reads multiple results: an array of data set objects (PS3.18 F.2.1), or one object.</summary>
    /// <exception cref="DicomFormatException">The text is not well-formed JSON or not a valid DICOM JSON Model.</exception>
    public static IReadOnlyList<DicomDataset> DeserializeMany(string json, DicomJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return DeserializeMany(Encoding.UTF8.GetBytes(json), options);
    }

    /// <summary>Reads multiple results: an array of data set objects (PS3.18 F.2.1), or one object.</summary>
    /// <exception cref="DicomFormatException">The text is not well-formed JSON or not a valid DICOM JSON Model.</exception>
    public static IReadOnlyList<DicomDataset> DeserializeMany(ReadOnlySpan<byte> utf8Json, DicomJsonOptions? options = null) =>
        Read(utf8Json, options, single: false);

    private static List<DicomDataset> Read(ReadOnlySpan<byte> json, DicomJsonOptions? options, bool single)
    {
        options ??= DicomJsonOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxDepth, nameof(options));
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        // Each sequence level is three JSON levels (attribute, "Value" array, item); a PN object and a
        // top-level array add two more. Past this the JSON reader stops before any recursion here.
        var readerOptions = new JsonReaderOptions
        {
            MaxDepth = (int)Math.Min(int.MaxValue, (3L * options.MaxDepth) + 6),
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };
        var reader = new Utf8JsonReader(json, readerOptions);
        var context = new ReadContext(options);
        var results = new List<DicomDataset>();
        try
        {
            JsonTokenType first = Next(ref reader);
            if (first == JsonTokenType.StartObject)
            {
                results.Add(ReadTopLevel(ref reader, context));
            }
            else if (first == JsonTokenType.StartArray)
            {
                while (Next(ref reader) != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw Invalid("the top-level array must hold data set objects only (PS3.18 F.2.1)");
                    }

                    if (single && results.Count == 1)
                    {
                        throw Invalid("the array holds more than one data set; read multiple results with DeserializeMany");
                    }

                    results.Add(ReadTopLevel(ref reader, context));
                }

                if (single && results.Count == 0)
                {
                    throw Invalid("the array holds no data set");
                }
            }
            else
            {
                throw Invalid("expected a data set object or an array of them");
            }

            if (reader.Read())
            {
                throw Invalid("content follows the end of the JSON value");
            }
        }
        catch (JsonException ex)
        {
            throw new DicomFormatException($"Invalid DICOM JSON: not well-formed JSON ({ex.Message})", ex);
        }

        return results;
    }

    private static DicomDataset ReadTopLevel(ref Utf8JsonReader reader, ReadContext context)
    {
        DicomDataset dataset = ReadDataset(ref reader, context, depth: 0, out bool nonAsciiText);
        if (nonAsciiText)
        {
            dataset.Add(Utf8CharacterSetElement()); // (0008,0005) was absent: the text is UTF-8 (PS3.18 F.2)
        }

        return dataset;
    }

    /// <summary>
    /// Reads a data set object (the reader is on its '{'). <paramref name="nonAsciiText"/> says that it, or an
    /// item that inherits its character set, holds non-ASCII text and declares no (0008,0005) of its own.
    /// </summary>
    private static DicomDataset ReadDataset(ref Utf8JsonReader reader, ReadContext context, int depth, out bool nonAsciiText)
    {
        var dataset = new DicomDataset();
        HashSet<DicomTag>? skipped = null; // attributes read but not kept, for the duplicate check
        nonAsciiText = false;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            DicomTag tag = ReadTag(ref reader, context);
            context.Current = tag;
            if (Next(ref reader) != JsonTokenType.StartObject)
            {
                throw context.Invalid("an attribute must be a JSON object (PS3.18 F.2.2)");
            }

            if (dataset.Contains(tag) || skipped?.Contains(tag) == true)
            {
                throw context.Invalid("appears twice in one data set");
            }

            DicomItem? item = null;
            if (tag.IsGroupLength)
            {
                reader.Skip(); // PS3.18 F.2.2: not part of the model
            }
            else
            {
                item = ReadAttribute(ref reader, tag, context, depth, ref nonAsciiText);
            }

            if (item is not null)
            {
                dataset.Add(item);
            }
            else
            {
                (skipped ??= []).Add(tag);
            }
        }

        context.Current = null;
        if (dataset.TryGetElement(DicomTag.SpecificCharacterSetTag, out DicomElement? characterSet))
        {
            if (nonAsciiText && !IsUtf8(characterSet))
            {
                dataset.Add(Utf8CharacterSetElement()); // the JSON text was UTF-8, whatever the source used
            }

            nonAsciiText = false; // settled here, not by the parent
        }

        return dataset;

        static bool IsUtf8(DicomElement e) =>
            e.IsLoaded && Encoding.ASCII.GetString(DicomElement.TrimPadding(e.Value.Span, DicomVR.CS)) == DicomJsonModel.Utf8CharacterSet;
    }

    private static DicomTag ReadTag(ref Utf8JsonReader reader, ReadContext context)
    {
        if (!TryParseTag(ref reader, out DicomTag tag))
        {
            throw context.Invalid("has an attribute key that is not eight hexadecimal digits (PS3.18 F.2.2)");
        }

        if (tag.Group == 0xFFFE)
        {
            context.Current = tag;
            throw context.Invalid("is an item or delimitation tag, not an attribute");
        }

        return tag;
    }

    /// <summary>Reads an attribute object (the reader is on its '{'); null when a BulkDataURI stays unresolved.</summary>
    private static DicomItem? ReadAttribute(ref Utf8JsonReader reader, DicomTag tag, ReadContext context, int depth, ref bool nonAsciiText)
    {
        DicomVR? vr = null;
        ValueMember member = ValueMember.None;
        Utf8JsonReader deferred = default;
        DicomItem? item = null;
        bool done = false;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals(DicomJsonModel.VR))
            {
                if (vr is not null)
                {
                    throw context.Invalid("has \"vr\" twice");
                }

                Next(ref reader);
                vr = ReadVR(ref reader, context);
                continue;
            }

            ValueMember m = reader.ValueTextEquals(DicomJsonModel.Value) ? ValueMember.Value
                : reader.ValueTextEquals(DicomJsonModel.InlineBinary) ? ValueMember.InlineBinary
                : reader.ValueTextEquals(DicomJsonModel.BulkDataUri) ? ValueMember.BulkDataUri
                : throw context.Invalid("has a member other than \"vr\", \"Value\", \"InlineBinary\" and \"BulkDataURI\" (PS3.18 F.2.2)");
            if (member != ValueMember.None)
            {
                throw context.Invalid("has more than one of \"Value\", \"InlineBinary\" and \"BulkDataURI\" (PS3.18 F.2.2)");
            }

            member = m;
            Next(ref reader);
            if (vr is { } known)
            {
                item = ReadValue(ref reader, tag, known, member, context, depth, ref nonAsciiText);
                done = true;
            }
            else
            {
                deferred = reader; // "vr" comes later: read the value once it is known
                reader.Skip();
            }
        }

        if (vr is not { } resolved)
        {
            throw context.Invalid("has no \"vr\" (PS3.18 F.2.2)");
        }

        if (member == ValueMember.None)
        {
            return resolved == DicomVR.SQ ? new DicomSequence(tag, DicomVR.SQ) : new DicomElement(tag, resolved, ReadOnlyMemory<byte>.Empty);
        }

        if (!done)
        {
            item = ReadValue(ref deferred, tag, resolved, member, context, depth, ref nonAsciiText);
            context.Current = tag;
        }

        return item;
    }

    private static DicomVR ReadVR(ref Utf8JsonReader reader, ReadContext context)
    {
        Span<byte> buffer = stackalloc byte[ShortStringLimit];
        int length = reader.TokenType == JsonTokenType.String ? GetShortString(ref reader, buffer) : -1;
        if (length >= 0
            && buffer[..length] is [var a and >= (byte)'A' and <= (byte)'Z', var b and >= (byte)'A' and <= (byte)'Z']
            && new DicomVR((char)a, (char)b) is { IsKnown: true } vr)
        {
            return vr;
        }

        throw context.Invalid("has a \"vr\" that is not a DICOM VR (PS3.5 §6.2)");
    }

    private static DicomItem? ReadValue(ref Utf8JsonReader reader, DicomTag tag, DicomVR vr, ValueMember member, ReadContext context, int depth, ref bool nonAsciiText)
    {
        DicomValueKind kind = vr.Info.Kind;
        switch (member)
        {
            case ValueMember.Value:
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw context.Invalid("has a \"Value\" that is not an array (PS3.18 F.2.4)");
                }

                if (kind == DicomValueKind.Sequence)
                {
                    return ReadItems(ref reader, tag, context, depth, ref nonAsciiText);
                }

                if (kind == DicomValueKind.Bulk)
                {
                    throw context.Invalid($"is {vr}, whose value is \"InlineBinary\" or \"BulkDataURI\", not \"Value\" (PS3.18 F.2.2)");
                }

                if (vr == DicomVR.PN)
                {
                    return TextElement(tag, vr, ReadPersonNames(ref reader, context), context, ref nonAsciiText);
                }

                return kind == DicomValueKind.Text
                    ? TextElement(tag, vr, ReadStrings(ref reader, vr, context), context, ref nonAsciiText)
                    : new DicomElement(tag, vr, ReadNumbers(ref reader, vr, context));

            case ValueMember.InlineBinary:
                if (kind is not (DicomValueKind.Binary or DicomValueKind.Bulk))
                {
                    throw context.Invalid($"is {vr}, which cannot be \"InlineBinary\" (PS3.18 F.2.7)");
                }

                if (reader.TokenType != JsonTokenType.String || !reader.TryGetBytesFromBase64(out byte[]? bytes))
                {
                    throw context.Invalid("has an \"InlineBinary\" that is not a base64 string (PS3.18 F.2.7)");
                }

                return BinaryElement(tag, vr, bytes, context);

            default:
                if (kind == DicomValueKind.Sequence)
                {
                    throw context.Invalid("is SQ, which cannot be \"BulkDataURI\" (PS3.18 F.2.2)");
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    throw context.Invalid("has a \"BulkDataURI\" that is not a string (PS3.18 F.2.6)");
                }

                string uri = GetString(ref reader, context);
                if (context.Options.BulkDataResolver?.Invoke(tag, vr, uri) is not { } data)
                {
                    return null;
                }

                if (kind != DicomValueKind.Text)
                {
                    return BinaryElement(tag, vr, data.ToArray(), context);
                }

                if (vr.Info.CharacterSetDependent && !Ascii.IsValid(data.Span))
                {
                    nonAsciiText = true; // bulk data of text VRs is UTF-8 (PS3.18 F.2.2 note 4)
                }

                return new DicomElement(tag, vr, Pad(data.ToArray(), vr));
        }
    }

    private static DicomSequence ReadItems(ref Utf8JsonReader reader, DicomTag tag, ReadContext context, int depth, ref bool nonAsciiText)
    {
        var sequence = new DicomSequence(tag, DicomVR.SQ);
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw context.Invalid("has a sequence item that is not an object (an empty item is {}, PS3.18 F.2.5)");
            }

            if (depth >= context.Options.MaxDepth)
            {
                throw context.Invalid($"nests sequences deeper than {context.Options.MaxDepth}");
            }

            context.Enter(tag, sequence.Items.Count);
            sequence.Items.Add(ReadDataset(ref reader, context, depth + 1, out bool itemNonAscii));
            context.Leave();
            nonAsciiText |= itemNonAscii;
        }

        return sequence;
    }

    /// <summary>Reads the "Value" array of a text VR other than PN into one backslash-separated string.</summary>
    private static string ReadStrings(ref Utf8JsonReader reader, DicomVR vr, ReadContext context)
    {
        bool multiValued = vr.Info.MultiValued;
        var text = new StringBuilder();
        int count = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (count++ > 0)
            {
                if (!multiValued)
                {
                    throw context.Invalid($"is {vr}, which holds one value, but \"Value\" has more");
                }

                text.Append('\\');
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    break; // an empty value (PS3.18 F.2.5)
                case JsonTokenType.String:
                    string value = GetString(ref reader, context);
                    if (multiValued && value.Contains('\\', StringComparison.Ordinal))
                    {
                        throw context.Invalid("has a value holding the delimiter '\\', which would split it (PS3.18 F.2.4)");
                    }

                    text.Append(value);
                    break;
                case JsonTokenType.Number when vr == DicomVR.DS || vr == DicomVR.IS:
                    text.Append(NumberToDecimalString(reader.ValueSpan, integer: vr == DicomVR.IS, context));
                    break;
                default:
                    throw context.Invalid($"is {vr}, whose values are strings or null (PS3.18 Table F.2.3-1)");
            }
        }

        return text.ToString();
    }

    /// <summary>Reads the "Value" array of a PN into "Alphabetic=Ideographic=Phonetic" values joined by backslashes.</summary>
    private static string ReadPersonNames(ref Utf8JsonReader reader, ReadContext context)
    {
        var text = new StringBuilder();
        int count = 0;
        Span<string?> groups = new string?[3];
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (count++ > 0)
            {
                text.Append('\\');
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    break;
                case JsonTokenType.String: // not the model, but written by some systems: the whole value as PS3.5 has it
                    text.Append(CheckDelimiters(GetString(ref reader, context), context, allowGroups: true));
                    break;
                case JsonTokenType.StartObject:
                    groups.Clear();
                    while (Next(ref reader) != JsonTokenType.EndObject)
                    {
                        int index = reader.ValueTextEquals(DicomJsonModel.Alphabetic) ? 0
                            : reader.ValueTextEquals(DicomJsonModel.Ideographic) ? 1
                            : reader.ValueTextEquals(DicomJsonModel.Phonetic) ? 2
                            : throw context.Invalid("has a person name member other than \"Alphabetic\", \"Ideographic\" and \"Phonetic\" (PS3.18 F.2.2)");
                        if (groups[index] is not null)
                        {
                            throw context.Invalid("has a person name component group twice");
                        }

                        groups[index] = Next(ref reader) switch
                        {
                            JsonTokenType.String => CheckDelimiters(GetString(ref reader, context), context, allowGroups: false),
                            JsonTokenType.Null => string.Empty,
                            _ => throw context.Invalid("has a person name component group that is not a string"),
                        };
                    }

                    int last = groups[2] is { Length: > 0 } ? 2 : groups[1] is { Length: > 0 } ? 1 : 0;
                    for (int i = 0; i <= last; i++)
                    {
                        if (i > 0)
                        {
                            text.Append('=');
                        }

                        text.Append(groups[i]);
                    }

                    break;
                default:
                    throw context.Invalid("has a person name that is not an object (PS3.18 F.2.2)");
            }
        }

        return text.ToString();

        static string CheckDelimiters(string value, ReadContext context, bool allowGroups)
        {
            if (value.Contains('\\', StringComparison.Ordinal) || (!allowGroups && value.Contains('=', StringComparison.Ordinal)))
            {
                throw context.Invalid("has a person name holding a delimiter ('\\' or '=') inside a value or group");
            }

            return value;
        }
    }

    /// <summary>A DS or IS value from a JSON number, in the length PS3.5 allows (16 and 12 characters).</summary>
    private static string NumberToDecimalString(ReadOnlySpan<byte> number, bool integer, ReadContext context)
    {
        if (integer)
        {
            if (number.Length <= 12 && number.IndexOfAny(".eE"u8) < 0)
            {
                return Encoding.ASCII.GetString(number);
            }

            if (decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) && d == decimal.Truncate(d))
            {
                string s = d.ToString("0", CultureInfo.InvariantCulture);
                if (s.Length <= 12)
                {
                    return s;
                }
            }

            throw context.Invalid("has an IS value that is not an integer of at most 12 characters (PS3.5 §6.2)");
        }

        if (number.Length <= 16)
        {
            return Encoding.ASCII.GetString(number); // JSON number syntax is DS syntax
        }

        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.IsFinite(x))
        {
            throw context.Invalid("has a DS value out of range");
        }

        // Longer than DS allows: the closest decimal that fits 16 characters.
        string shortest = x.ToString("R", CultureInfo.InvariantCulture);
        for (int precision = 15; shortest.Length > 16 && precision > 0; precision--)
        {
            shortest = x.ToString("G" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        return shortest;
    }

    /// <summary>Reads the "Value" array of AT, US, SS, UL, SL, SV, UV, FL or FD into little endian bytes.</summary>
    private static byte[] ReadNumbers(ref Utf8JsonReader reader, DicomVR vr, ReadContext context)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                throw context.Invalid($"is {vr}, which has no empty values, but \"Value\" holds null");
            }

            if (vr == DicomVR.AT)
            {
                if (reader.TokenType != JsonTokenType.String || !TryParseTag(ref reader, out DicomTag value))
                {
                    throw context.Invalid("has an AT value that is not eight hexadecimal digits (PS3.18 F.2.3)");
                }

                Span<byte> span = buffer.GetSpan(4);
                BinaryPrimitives.WriteUInt16LittleEndian(span, value.Group);
                BinaryPrimitives.WriteUInt16LittleEndian(span[2..], value.Element);
                buffer.Advance(4);
            }
            else if (vr == DicomVR.FL || vr == DicomVR.FD)
            {
                double value = ReadFloat(ref reader, vr, context);
                if (vr == DicomVR.FL)
                {
                    float single = (float)value;
                    if (float.IsInfinity(single) && double.IsFinite(value))
                    {
                        throw context.Invalid("has an FL value out of range");
                    }

                    BinaryPrimitives.WriteSingleLittleEndian(buffer.GetSpan(4), single);
                    buffer.Advance(4);
                }
                else
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(8), value);
                    buffer.Advance(8);
                }
            }
            else
            {
                WriteInteger(buffer, ref reader, vr, context);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteInteger(ArrayBufferWriter<byte> buffer, ref Utf8JsonReader reader, DicomVR vr, ReadContext context)
    {
        bool sixtyFour = vr == DicomVR.SV || vr == DicomVR.UV;
        decimal value;
        bool parsed = reader.TokenType switch
        {
            JsonTokenType.Number => decimal.TryParse(reader.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            JsonTokenType.String when sixtyFour => decimal.TryParse(GetString(ref reader, context), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
            _ => throw context.Invalid(sixtyFour ? $"is {vr}, whose values are numbers or strings (PS3.18 Table F.2.3-1)" : $"is {vr}, whose values are numbers (PS3.18 Table F.2.3-1)"),
        };
        (decimal min, decimal max, int size) = RangeOf(vr);
        if (!parsed || value != decimal.Truncate(value) || value < min || value > max)
        {
            throw context.Invalid($"has a value that is not an integer in the range of {vr}");
        }

        Span<byte> span = buffer.GetSpan(size);
        switch (size)
        {
            case 2 when min < 0:
                BinaryPrimitives.WriteInt16LittleEndian(span, (short)value);
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value);
                break;
            case 4 when min < 0:
                BinaryPrimitives.WriteInt32LittleEndian(span, (int)value);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value);
                break;
            case 8 when min < 0:
                BinaryPrimitives.WriteInt64LittleEndian(span, (long)value);
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)value);
                break;
        }

        buffer.Advance(size);
    }

    private static (decimal Min, decimal Max, int Size) RangeOf(DicomVR vr)
    {
        if (vr == DicomVR.US)
        {
            return (ushort.MinValue, ushort.MaxValue, 2);
        }

        if (vr == DicomVR.SS)
        {
            return (short.MinValue, short.MaxValue, 2);
        }

        if (vr == DicomVR.UL)
        {
            return (uint.MinValue, uint.MaxValue, 4);
        }

        if (vr == DicomVR.SL)
        {
            return (int.MinValue, int.MaxValue, 4);
        }

        return vr == DicomVR.SV ? (long.MinValue, long.MaxValue, 8) : (ulong.MinValue, ulong.MaxValue, 8);
    }

    private static double ReadFloat(ref Utf8JsonReader reader, DicomVR vr, ReadContext context)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (double.TryParse(reader.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
            {
                return value;
            }

            throw context.Invalid($"has a value out of the range of {vr}");
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            // JSON has no NaN or infinity; DicomJsonWriter writes them as these strings.
            string text = GetString(ref reader, context);
            switch (text)
            {
                case DicomJsonModel.NaN:
                    return double.NaN;
                case DicomJsonModel.PositiveInfinity:
                    return double.PositiveInfinity;
                case DicomJsonModel.NegativeInfinity:
                    return double.NegativeInfinity;
            }
        }

        throw context.Invalid($"is {vr}, whose values are numbers (PS3.18 Table F.2.3-1)");
    }

    /// <summary>Encodes a text value: UTF-8 for character-set-dependent VRs, else the default repertoire; padded to even length.</summary>
    private static DicomElement TextElement(DicomTag tag, DicomVR vr, string text, ReadContext context, ref bool nonAsciiText)
    {
        byte[] bytes;
        if (vr.Info.CharacterSetDependent)
        {
            bytes = Encoding.UTF8.GetBytes(text);
            if (!Ascii.IsValid(bytes))
            {
                nonAsciiText = true;
            }
        }
        else
        {
            // AE, CS, DA, UI...: (0008,0005) does not apply (PS3.5 §6.1.2.3); read back as Latin-1 by DicomElement.
            if (!IsLatin1(text))
            {
                throw context.Invalid($"is {vr}, which allows the default character repertoire only");
            }

            bytes = Encoding.Latin1.GetBytes(text);
        }

        return new DicomElement(tag, vr, Pad(bytes, vr));
    }

    private static DicomElement BinaryElement(DicomTag tag, DicomVR vr, byte[] bytes, ReadContext context)
    {
        int unit = vr.Info.UnitSize;
        if (bytes.Length % unit != 0)
        {
            throw context.Invalid($"has {bytes.Length} bytes, not a multiple of the {unit}-byte values of {vr}");
        }

        return new DicomElement(tag, vr, Pad(bytes, vr));
    }

    /// <summary>Pads to even length with the VR's padding byte (PS3.5 §7.1.1).</summary>
    private static byte[] Pad(byte[] bytes, DicomVR vr)
    {
        if ((bytes.Length & 1) == 0)
        {
            return bytes;
        }

        byte[] padded = new byte[bytes.Length + 1];
        bytes.CopyTo(padded, 0);
        padded[^1] = vr.Info.Padding;
        return padded;
    }

    /// <summary>Parses the current property name or string as eight hexadecimal digits (JSON escapes allowed).</summary>
    private static bool TryParseTag(ref Utf8JsonReader reader, out DicomTag tag)
    {
        Span<byte> buffer = stackalloc byte[ShortStringLimit];
        if (GetShortString(ref reader, buffer) == 8
            && uint.TryParse(buffer[..8], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value))
        {
            tag = new DicomTag(value);
            return true;
        }

        tag = default;
        return false;
    }

    /// <summary>Unescapes a short string or property name into <paramref name="buffer"/>: its length, or -1 when longer than the buffer.</summary>
    private static int GetShortString(ref Utf8JsonReader reader, scoped Span<byte> buffer)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (raw.Length > buffer.Length)
        {
            return -1;
        }

        if (!reader.ValueIsEscaped)
        {
            raw.CopyTo(buffer);
            return raw.Length;
        }

        try
        {
            return reader.CopyString(buffer); // unescaped text is never longer than the escaped
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private static string GetString(ref Utf8JsonReader reader, ReadContext context)
    {
        try
        {
            return reader.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException ex)
        {
            throw new DicomFormatException(context.Describe("has a string that is not valid UTF-8"), ex);
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Invalid("the JSON text ends early");
        }

        return reader.TokenType;
    }

    private static DicomFormatException Invalid(string what) => new($"Invalid DICOM JSON: {what}.");

    private enum ValueMember
    {
        None,
        Value,
        InlineBinary,
        BulkDataUri,
    }

    private static bool IsLatin1(string text)
    {
        foreach (char c in text)
        {
            if (c > '\u00FF')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Options plus where the reader is (sequence items and the current attribute), for error messages.</summary>
    private sealed class ReadContext(DicomJsonOptions options)
    {
        private readonly List<(DicomTag Sequence, int Item)> _path = [];

        public DicomJsonOptions Options { get; } = options;

        public DicomTag? Current { get; set; }

        public void Enter(DicomTag sequence, int item)
        {
            _path.Add((sequence, item));
            Current = null;
        }

        public void Leave()
        {
            (DicomTag sequence, _) = _path[^1];
            _path.RemoveAt(_path.Count - 1);
            Current = sequence;
        }

        public DicomFormatException Invalid(string what) => new(Describe(what));

        public string Describe(string what)
        {
            var where = new StringBuilder();
            foreach ((DicomTag sequence, int item) in _path)
            {
                where.Append(sequence.ToString()).Append(" item ").Append(item + 1).Append(" > ");
            }

            if (Current is { } tag)
            {
                where.Append(tag.ToString());
            }
            else if (where.Length > 0)
            {
                where.Length -= 3;
            }
            else
            {
                where.Append("the data set");
            }

            return $"Invalid DICOM JSON: {where} {what}.";
        }
    }
}
