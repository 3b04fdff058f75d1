namespace Portico.Dicom.Values;

/// <summary>How a VR's value is represented (PS3.5 §6.2).</summary>
public enum DicomValueKind : byte
{
    Unknown = 0,
    /// <summary>Character string; <see cref="DicomVRInfo.CharacterSetDependent"/> says whether (0008,0005) applies.</summary>
    Text,
    /// <summary>Fixed-size binary numbers or tags; <see cref="DicomVRInfo.UnitSize"/> is the size of one.</summary>
    Binary,
    /// <summary>A byte or word stream (OB, OW, OD, OF, OL, OV, UN).</summary>
    Bulk,
    Sequence,
}

/// <summary>Per-VR facts, kept in one table (PS3.5 Table 6.2-1 and §7.1.2).</summary>
public readonly record struct DicomVRInfo(
    string Name,
    DicomValueKind Kind,
    bool LongHeader,
    byte Padding,
    byte UnitSize,
    bool CharacterSetDependent,
    bool MultiValued,
    uint MaxLength);

/// <summary>A value representation: the two ASCII characters of PS3.5 §6.2, packed into a ushort (first character high).</summary>
public readonly record struct DicomVR(ushort Code)
{
    public static readonly DicomVR None;
    public static readonly DicomVR AE = new('A', 'E');
    public static readonly DicomVR AS = new('A', 'S');
    public static readonly DicomVR AT = new('A', 'T');
    public static readonly DicomVR CS = new('C', 'S');
    public static readonly DicomVR DA = new('D', 'A');
    public static readonly DicomVR DS = new('D', 'S');
    public static readonly DicomVR DT = new('D', 'T');
    public static readonly DicomVR FD = new('F', 'D');
    public static readonly DicomVR FL = new('F', 'L');
    public static readonly DicomVR IS = new('I', 'S');
    public static readonly DicomVR LO = new('L', 'O');
    public static readonly DicomVR LT = new('L', 'T');
    public static readonly DicomVR OB = new('O', 'B');
    public static readonly DicomVR OD = new('O', 'D');
    public static readonly DicomVR OF = new('O', 'F');
    public static readonly DicomVR OL = new('O', 'L');
    public static readonly DicomVR OV = new('O', 'V');
    public static readonly DicomVR OW = new('O', 'W');
    public static readonly DicomVR PN = new('P', 'N');
    public static readonly DicomVR SH = new('S', 'H');
    public static readonly DicomVR SL = new('S', 'L');
    public static readonly DicomVR SQ = new('S', 'Q');
    public static readonly DicomVR SS = new('S', 'S');
    public static readonly DicomVR ST = new('S', 'T');
    public static readonly DicomVR SV = new('S', 'V');
    public static readonly DicomVR TM = new('T', 'M');
    public static readonly DicomVR UC = new('U', 'C');
    public static readonly DicomVR UI = new('U', 'I');
    public static readonly DicomVR UL = new('U', 'L');
    public static readonly DicomVR UN = new('U', 'N');
    public static readonly DicomVR UR = new('U', 'R');
    public static readonly DicomVR US = new('U', 'S');
    public static readonly DicomVR UT = new('U', 'T');
    public static readonly DicomVR UV = new('U', 'V');

    public DicomVR(char first, char second) : this((ushort)((first << 8) | second))
    {
    }

    private static readonly Dictionary<ushort, DicomVRInfo> Table = BuildTable();

    private static readonly DicomVRInfo UnknownInfo = new("??", DicomValueKind.Unknown, true, 0, 1, false, false, uint.MaxValue);

    /// <summary>True for the 34 VRs PS3.5 defines.</summary>
    public bool IsKnown => Table.ContainsKey(Code);

    public DicomVRInfo Info => Table.TryGetValue(Code, out DicomVRInfo info) ? info : UnknownInfo;

    /// <summary>Explicit VR encoding uses a 2-byte reserved field and a 4-byte length (PS3.5 §7.1.2).</summary>
    public bool HasLongHeader => Info.LongHeader;

    public bool IsText => Info.Kind == DicomValueKind.Text;

    public bool IsSequence => Code == SQ.Code;

    public byte Padding => Info.Padding;

    /// <summary>Byte-swapping unit when changing endianness: 1 for bytes and text, 2 for US/SS/OW/AT, 4 for UL/SL/FL/OF/OL, 8 for FD/OD/SV/UV/OV.</summary>
    public int SwapUnit => Code == AT.Code ? 2 : Info.Kind is DicomValueKind.Binary or DicomValueKind.Bulk ? Info.UnitSize : 1;

    public static bool TryParse(ReadOnlySpan<byte> twoAsciiBytes, out DicomVR vr)
    {
        vr = new DicomVR((ushort)((twoAsciiBytes[0] << 8) | twoAsciiBytes[1]));
        return vr.IsKnown;
    }

    public static DicomVR Parse(string name) =>
        name is { Length: 2 } && new DicomVR(name[0], name[1]) is { IsKnown: true } vr
            ? vr
            : throw new ArgumentException($"'{name}' is not a DICOM VR.", nameof(name));

    public override string ToString() =>
        IsKnown ? Info.Name : (Code >> 8 is >= 0x20 and < 0x7F && (Code & 0xFF) is >= 0x20 and < 0x7F
            ? string.Concat((char)(Code >> 8), (char)(Code & 0xFF)) : $"0x{Code:X4}");

    private static Dictionary<ushort, DicomVRInfo> BuildTable()
    {
        const uint Unlimited = uint.MaxValue;
        var t = new Dictionary<ushort, DicomVRInfo>();
        void Add(string name, DicomValueKind kind, bool longHeader, byte padding, byte unit, bool charset, bool multi, uint max) =>
            t.Add((ushort)((name[0] << 8) | name[1]), new DicomVRInfo(name, kind, longHeader, padding, unit, charset, multi, max));

        const byte Space = (byte)' ';
        // name, kind, long header, padding, unit size, uses (0008,0005), backslash multi-valued, max length of one value
        Add("AE", DicomValueKind.Text, false, Space, 1, false, true, 16);
        Add("AS", DicomValueKind.Text, false, Space, 1, false, true, 4);
        Add("AT", DicomValueKind.Binary, false, 0, 4, false, false, 4);
        Add("CS", DicomValueKind.Text, false, Space, 1, false, true, 16);
        Add("DA", DicomValueKind.Text, false, Space, 1, false, true, 18);
        Add("DS", DicomValueKind.Text, false, Space, 1, false, true, 16);
        Add("DT", DicomValueKind.Text, false, Space, 1, false, true, 54);
        Add("FD", DicomValueKind.Binary, false, 0, 8, false, false, 8);
        Add("FL", DicomValueKind.Binary, false, 0, 4, false, false, 4);
        Add("IS", DicomValueKind.Text, false, Space, 1, false, true, 12);
        Add("LO", DicomValueKind.Text, false, Space, 1, true, true, 64);
        Add("LT", DicomValueKind.Text, false, Space, 1, true, false, 10240);
        Add("OB", DicomValueKind.Bulk, true, 0, 1, false, false, Unlimited);
        Add("OD", DicomValueKind.Bulk, true, 0, 8, false, false, Unlimited);
        Add("OF", DicomValueKind.Bulk, true, 0, 4, false, false, Unlimited);
        Add("OL", DicomValueKind.Bulk, true, 0, 4, false, false, Unlimited);
        Add("OV", DicomValueKind.Bulk, true, 0, 8, false, false, Unlimited);
        Add("OW", DicomValueKind.Bulk, true, 0, 2, false, false, Unlimited);
        Add("PN", DicomValueKind.Text, false, Space, 1, true, true, 64 * 3 + 2);
        Add("SH", DicomValueKind.Text, false, Space, 1, true, true, 16);
        Add("SL", DicomValueKind.Binary, false, 0, 4, false, false, 4);
        Add("SQ", DicomValueKind.Sequence, true, 0, 1, false, false, Unlimited);
        Add("SS", DicomValueKind.Binary, false, 0, 2, false, false, 2);
        Add("ST", DicomValueKind.Text, false, Space, 1, true, false, 1024);
        Add("SV", DicomValueKind.Binary, true, 0, 8, false, false, 8);
        Add("TM", DicomValueKind.Text, false, Space, 1, false, true, 28);
        Add("UC", DicomValueKind.Text, true, Space, 1, true, true, Unlimited);
        Add("UI", DicomValueKind.Text, false, 0, 1, false, true, 64);
        Add("UL", DicomValueKind.Binary, false, 0, 4, false, false, 4);
        Add("UN", DicomValueKind.Bulk, true, 0, 1, false, false, Unlimited);
        Add("UR", DicomValueKind.Text, true, Space, 1, false, false, Unlimited);
        Add("US", DicomValueKind.Binary, false, 0, 2, false, false, 2);
        Add("UT", DicomValueKind.Text, true, Space, 1, true, false, Unlimited);
        Add("UV", DicomValueKind.Binary, true, 0, 8, false, false, 8);
        return t;
    }
}
