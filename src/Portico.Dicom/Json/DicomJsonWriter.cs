using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Text;
using Portico.Dicom.Values;

namespace Portico.Dicom.Json;

/// <summary>
/// Writes a data set as a DICOM JSON Model object (PS3.18 F.2). The rules, clause by clause:
/// <list type="bullet">
/// <item>Attributes are keyed by the tag as eight uppercase hexadecimal digits, in ascending order; Group
/// Length (gggg,0000) attributes are left out (F.2.2, a "shall not be included").</item>
/// <item>Text is decoded with the Specific Character Set in force (an item inherits it) and written as
/// JSON strings, which are UTF-8; (0008,0005) itself is written as it stands (F.2.2 note 3). Multi-valued
/// strings are split at the backslash and each value trimmed; empty values are null (F.2.4, F.2.5).</item>
/// <item>PN values are objects with the non-empty groups "Alphabetic", "Ideographic", "Phonetic" (F.2.2).</item>
/// <item>AT values are eight-digit hexadecimal strings; US, SS, UL, SL, FL, FD are numbers; SV and UV are
/// numbers up to ±(2^53 - 1) and strings beyond, so no consumer rounds them (Table F.2.3-1 note).</item>
/// <item>DS and IS values are numbers when they parse, written exactly as stored when that is already
/// JSON number syntax; a value that does not parse stays a string (Table F.2.3-1 note).</item>
/// <item>OB, OD, OF, OL, OV, OW and UN are "InlineBinary", the base64 of the little endian value field
/// (F.2.7); a sequence is a "Value" array of objects, an empty item being {} (F.2.5).</item>
/// <item>An empty value is an attribute with "vr" only (F.2.5).</item>
/// </list>
/// Choices where the standard is silent: a non-finite FL/FD value is written as the string "NaN",
/// "Infinity" or "-Infinity" (JSON has no such number); an element with a VR this library does not know
/// is written as UN; a sequence read from UN of undefined length is written as SQ. Encapsulated pixel
/// data and values not loaded are written as "BulkDataURI" when <see cref="DicomJsonOptions"/> supplies
/// one, and otherwise per <see cref="DicomJsonOptions.IncludeNotLoaded"/>.
/// </summary>
public static class DicomJsonWriter
{
    // JSON text is UTF-8 (RFC 8259); only what JSON and HTML embedding need is escaped, so names stay legible.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    /// <summary>Options for a writer the caller makes itself for <see cref="Write"/> (an array of results, streamed): the same escaping as <see cref="Serialize"/>.</summary>
    public static JsonWriterOptions WriterOptions => new() { Encoder = Encoder };

    /// <summary>Writes <paramref name="dataset"/> as one DICOM JSON object and returns the text.</summary>
    /// <exception cref="InvalidOperationException">Sequences nest deeper than <see cref="DicomJsonOptions.MaxDepth"/> (or refer to themselves).</exception>
    public static string Serialize(DicomDataset dataset, bool indented = false, DicomJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = Encoder }))
        {
            Write(writer, dataset, options);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes <paramref name="dataset"/> as one DICOM JSON object at the writer's position (a top-level value,
    /// or an element of an array the caller opened for multiple results, PS3.18 F.2.1), then flushes.
    /// </summary>
    /// <exception cref="InvalidOperationException">Sequences nest deeper than <see cref="DicomJsonOptions.MaxDepth"/> (or refer to themselves).</exception>
    public static void Write(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= DicomJsonOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxDepth, nameof(options));
        WriteDataset(writer, dataset, dataset.CharacterSet, options, depth: 0);
        writer.Flush();
    }

    private static void WriteDataset(Utf8JsonWriter writer, DicomDataset dataset, SpecificCharacterSet characterSet, DicomJsonOptions options, int depth)
    {
        writer.WriteStartObject();
        foreach (DicomItem item in dataset)
        {
            if (item.Tag.IsGroupLength)
            {
                continue; // PS3.18 F.2.2: Group Length attributes shall not be included.
            }

            switch (item)
            {
                case DicomSequence sequence:
                    WriteSequence(writer, sequence, characterSet, options, depth);
                    break;
                case DicomFragments fragments:
                    WriteFragments(writer, fragments, options);
                    break;
                case DicomElement element:
                    WriteElement(writer, element, characterSet, options);
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteSequence(Utf8JsonWriter writer, DicomSequence sequence, SpecificCharacterSet characterSet, DicomJsonOptions options, int depth)
    {
        WriteKey(writer, sequence.Tag);
        writer.WriteStartObject();
        writer.WriteString(DicomJsonModel.VR, "SQ"u8);
        if (sequence.Items.Count > 0)
        {
            if (depth >= options.MaxDepth)
            {
                throw new InvalidOperationException($"Sequences nest deeper than {options.MaxDepth} at {sequence.Tag} (or a sequence contains itself).");
            }

            writer.WriteStartArray(DicomJsonModel.Value);
            foreach (DicomDataset item in sequence.Items)
            {
                // An item may declare its own Specific Character Set; otherwise it inherits (PS3.5 §7.5.3).
                SpecificCharacterSet itemCharacterSet = item.Contains(DicomTag.SpecificCharacterSetTag) ? item.CharacterSet : characterSet;
                WriteDataset(writer, item, itemCharacterSet, options, depth + 1);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteFragments(Utf8JsonWriter writer, DicomFragments fragments, DicomJsonOptions options)
    {
        string? uri = options.FragmentsBulkDataUri?.Invoke(fragments);
        if (uri is null && !options.IncludeNotLoaded)
        {
            return;
        }

        WriteKey(writer, fragments.Tag);
        writer.WriteStartObject();
        writer.WriteString(DicomJsonModel.VR, fragments.VR.Info.Kind == DicomValueKind.Bulk ? fragments.VR.ToString() : "OB");
        if (uri is not null)
        {
            writer.WriteString(DicomJsonModel.BulkDataUri, uri);
        }

        writer.WriteEndObject();
    }

    private static void WriteElement(Utf8JsonWriter writer, DicomElement element, SpecificCharacterSet characterSet, DicomJsonOptions options)
    {
        DicomVR vr = element.VR;
        DicomValueKind kind = vr.Info.Kind;
        if (kind is DicomValueKind.Unknown || (kind is DicomValueKind.Sequence && element.Length > 0))
        {
            // No JSON form for a VR we do not know (or for the raw bytes of a sequence): keep the bytes as UN.
            vr = DicomVR.UN;
            kind = DicomValueKind.Bulk;
        }

        string? uri = DicomJsonModel.AllowsBulkDataUri(vr) ? options.BulkDataUri?.Invoke(element) : null;
        if (uri is null && !element.IsLoaded && !options.IncludeNotLoaded)
        {
            return;
        }

        WriteKey(writer, element.Tag);
        writer.WriteStartObject();
        writer.WriteString(DicomJsonModel.VR, vr.ToString());
        if (uri is not null)
        {
            writer.WriteString(DicomJsonModel.BulkDataUri, uri);
        }
        else if (element.IsLoaded && !element.Value.IsEmpty)
        {
            switch (kind)
            {
                case DicomValueKind.Text:
                    WriteText(writer, element, vr, characterSet);
                    break;
                case DicomValueKind.Binary:
                    WriteBinary(writer, element, vr);
                    break;
                case DicomValueKind.Bulk:
                    writer.WriteBase64String(DicomJsonModel.InlineBinary, element.Value.Span);
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter writer, DicomElement element, DicomVR vr, SpecificCharacterSet characterSet)
    {
        string[] values = element.GetStrings(characterSet);
        if (values.Length == 0)
        {
            return; // only padding: an empty value (F.2.5)
        }

        writer.WriteStartArray(DicomJsonModel.Value);
        foreach (string value in values)
        {
            if (vr == DicomVR.PN)
            {
                WritePersonName(writer, value);
            }
            else if (vr == DicomVR.DS || vr == DicomVR.IS)
            {
                WriteNumberString(writer, value, integer: vr == DicomVR.IS);
            }
            else if (value.Length == 0)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>One PN value: its component groups (PS3.5 §6.2.1) as an object of the non-empty ones, or null when all are empty.</summary>
    private static void WritePersonName(Utf8JsonWriter writer, string value)
    {
        string[] groups = value.Split('=', 3);
        if (groups.All(g => g.Length == 0))
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        WriteGroup(writer, DicomJsonModel.Alphabetic, groups, 0);
        WriteGroup(writer, DicomJsonModel.Ideographic, groups, 1);
        WriteGroup(writer, DicomJsonModel.Phonetic, groups, 2);
        writer.WriteEndObject();

        static void WriteGroup(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string[] groups, int index)
        {
            if (index < groups.Length && groups[index].Length > 0)
            {
                writer.WriteString(name, groups[index]);
            }
        }
    }

    /// <summary>A DS or IS value: a number when it parses (kept digit for digit when already JSON syntax), otherwise a string.</summary>
    private static void WriteNumberString(Utf8JsonWriter writer, string value, bool integer)
    {
        if (value.Length == 0)
        {
            writer.WriteNullValue();
        }
        else if (DicomJsonModel.IsJsonNumber(value))
        {
            writer.WriteRawValue(value, skipInputValidation: true); // "1.50" stays 1.50, not 1.5
        }
        else if (decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d))
        {
            writer.WriteNumberValue(d); // "+5", ".5", "007": DICOM syntax JSON lacks
        }
        else if (!integer && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x))
        {
            writer.WriteNumberValue(x); // beyond decimal's range
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private static void WriteBinary(Utf8JsonWriter writer, DicomElement element, DicomVR vr)
    {
        if (element.Value.Length < vr.Info.UnitSize)
        {
            return; // shorter than one value: nothing to write
        }

        writer.WriteStartArray(DicomJsonModel.Value);
        if (vr == DicomVR.AT)
        {
            Span<byte> hex = stackalloc byte[8];
            foreach (DicomTag tag in element.GetTags())
            {
                tag.Value.TryFormat(hex, out _, "X8", CultureInfo.InvariantCulture);
                writer.WriteStringValue(hex);
            }
        }
        else if (vr == DicomVR.US)
        {
            foreach (ushort v in element.GetValues<ushort>())
            {
                writer.WriteNumberValue(v);
            }
        }
        else if (vr == DicomVR.SS)
        {
            foreach (short v in element.GetValues<short>())
            {
                writer.WriteNumberValue(v);
            }
        }
        else if (vr == DicomVR.UL)
        {
            foreach (uint v in element.GetValues<uint>())
            {
                writer.WriteNumberValue(v);
            }
        }
        else if (vr == DicomVR.SL)
        {
            foreach (int v in element.GetValues<int>())
            {
                writer.WriteNumberValue(v);
            }
        }
        else if (vr == DicomVR.SV)
        {
            foreach (long v in element.GetValues<long>())
            {
                if (v is >= -DicomJsonModel.MaxSafeInteger and <= DicomJsonModel.MaxSafeInteger)
                {
                    writer.WriteNumberValue(v);
                }
                else
                {
                    writer.WriteStringValue(v.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        else if (vr == DicomVR.UV)
        {
            foreach (ulong v in element.GetValues<ulong>())
            {
                if (v <= DicomJsonModel.MaxSafeInteger)
                {
                    writer.WriteNumberValue(v);
                }
                else
                {
                    writer.WriteStringValue(v.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        else if (vr == DicomVR.FL)
        {
            foreach (float v in element.GetValues<float>())
            {
                WriteFloat(writer, v);
            }
        }
        else if (vr == DicomVR.FD)
        {
            foreach (double v in element.GetValues<double>())
            {
                WriteFloat(writer, v);
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? DicomJsonModel.NaN : value > 0 ? DicomJsonModel.PositiveInfinity : DicomJsonModel.NegativeInfinity);
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteFloat(writer, (double)value);
        }
    }

    private static void WriteKey(Utf8JsonWriter writer, DicomTag tag)
    {
        Span<byte> key = stackalloc byte[8];
        tag.Value.TryFormat(key, out _, "X8", CultureInfo.InvariantCulture);
        writer.WritePropertyName(key);
    }
}
