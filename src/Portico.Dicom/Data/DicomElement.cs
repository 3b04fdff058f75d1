using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Text;
using Portico.Dicom.Values;

namespace Portico.Dicom.Data;

/// <summary>
/// An element with a value (PS3.5 §7.1). The bytes are kept raw and little endian, decoded only
/// when asked for; a value too large to load is a <see cref="DicomValueRange"/> of the source.
/// </summary>
public sealed class DicomElement : DicomItem
{
    public DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value)
        : base(tag, vr)
    {
        Value = value;
        Length = value.Length;
    }

    public DicomElement(DicomTag tag, DicomVR vr, DicomValueRange range)
        : base(tag, vr)
    {
        Range = range;
        Length = range.Length;
    }

    /// <summary>The value bytes in little endian order (empty when <see cref="Range"/> is set).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>Set when the value was left in the source (see <see cref="DicomValueRange"/>).</summary>
    public DicomValueRange? Range { get; }

    public bool IsLoaded => Range is null;

    /// <summary>Value length in bytes, loaded or not.</summary>
    public long Length { get; }

    /// <summary>Decodes a text value, without trailing padding (and leading spaces where PS3.5 makes them insignificant).</summary>
    public string GetString(SpecificCharacterSet? characterSet = null)
    {
        ReadOnlySpan<byte> bytes = Value.Span;
        DicomVRInfo info = VR.Info;
        if (info.Kind != DicomValueKind.Text)
        {
            return VR == DicomVR.AT || info.Kind == DicomValueKind.Binary ? string.Join('\\', FormatBinary()) : string.Empty;
        }

        bytes = TrimPadding(bytes, VR);
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        if (info.CharacterSetDependent && characterSet is not null && !characterSet.IsDefault)
        {
            DecodeContext context = VR == DicomVR.PN ? DecodeContext.PersonName : info.MultiValued ? DecodeContext.MultiValued : DecodeContext.Text;
            return characterSet.Decode(bytes, context);
        }

        return Encoding.Latin1.GetString(bytes);
    }

    /// <summary>The backslash-separated values of a text element, each trimmed.</summary>
    public string[] GetStrings(SpecificCharacterSet? characterSet = null)
    {
        string all = GetString(characterSet);
        if (!VR.Info.MultiValued)
        {
            return all.Length == 0 ? [] : [all];
        }

        if (all.Length == 0)
        {
            return [];
        }

        string[] parts = all.Split('\\');
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = VR == DicomVR.UI ? parts[i].TrimEnd('\0', ' ') : parts[i].Trim(' ', '\0');
        }

        return parts;
    }

    /// <summary>Binary values as <typeparamref name="T"/> (US ushort, SS short, UL uint, FL float, FD double...).</summary>
    public T[] GetValues<T>()
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = Value.Span;
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        bytes = bytes[..(bytes.Length / size * size)];
        if (BitConverter.IsLittleEndian)
        {
            return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
        }

        throw new PlatformNotSupportedException("Portico runs on little endian machines.");
    }

    /// <summary>The value as tags (VR AT).</summary>
    public DicomTag[] GetTags()
    {
        ReadOnlySpan<byte> bytes = Value.Span;
        var tags = new DicomTag[bytes.Length / 4];
        for (int i = 0; i < tags.Length; i++)
        {
            tags[i] = new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 4)..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 4 + 2)..]));
        }

        return tags;
    }

    /// <summary>Binary values formatted invariantly (numbers; tags as (gggg,eeee)).</summary>
    public IEnumerable<string> FormatBinary()
    {
        System.Globalization.CultureInfo inv = System.Globalization.CultureInfo.InvariantCulture;
        return VR.Code switch
        {
            var c when c == DicomVR.US.Code || c == DicomVR.OW.Code => GetValues<ushort>().Select(v => v.ToString(inv)),
            var c when c == DicomVR.SS.Code => GetValues<short>().Select(v => v.ToString(inv)),
            var c when c == DicomVR.UL.Code || c == DicomVR.OL.Code => GetValues<uint>().Select(v => v.ToString(inv)),
            var c when c == DicomVR.SL.Code => GetValues<int>().Select(v => v.ToString(inv)),
            var c when c == DicomVR.FL.Code || c == DicomVR.OF.Code => GetValues<float>().Select(v => v.ToString("R", inv)),
            var c when c == DicomVR.FD.Code || c == DicomVR.OD.Code => GetValues<double>().Select(v => v.ToString("R", inv)),
            var c when c == DicomVR.SV.Code => GetValues<long>().Select(v => v.ToString(inv)),
            var c when c == DicomVR.UV.Code || c == DicomVR.OV.Code => GetValues<ulong>().Select(v => v.ToString(inv)),
            var c when c == DicomVR.AT.Code => GetTags().Select(t => t.ToString()),
            _ => Value.ToArray().Select(v => v.ToString(inv)),
        };
    }

    /// <summary>Removes the padding PS3.5 §6.2 declares insignificant for the VR.</summary>
    public static ReadOnlySpan<byte> TrimPadding(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        int end = bytes.Length;
        while (end > 0 && (bytes[end - 1] == 0 || (bytes[end - 1] == (byte)' ' && vr != DicomVR.UI)))
        {
            end--;
        }

        int start = 0;
        bool leadingInsignificant = vr != DicomVR.LT && vr != DicomVR.ST && vr != DicomVR.UT && vr != DicomVR.UR && vr != DicomVR.UI;
        if (leadingInsignificant && vr != DicomVR.PN && vr != DicomVR.LO && vr != DicomVR.SH && vr != DicomVR.UC)
        {
            while (start < end && bytes[start] == (byte)' ')
            {
                start++;
            }
        }

        return bytes[start..end];
    }
}
