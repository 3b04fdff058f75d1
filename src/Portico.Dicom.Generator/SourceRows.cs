namespace Portico.Dicom.Generator;

/// <summary>A row of PS3.6 Table 6-1, 7-1, 8-1 (or their repeating-group rows) as pydicom lists it.</summary>
/// <param name="VRs">Normalized VR names; empty for the item and delimitation tags (VR "NONE").</param>
internal sealed record DataElementRow(TagPattern Tag, string[] VRs, string VM, string Name, bool Retired, string Keyword);

/// <summary>A row of PS3.6 Annex A (Table A-1 and friends).</summary>
internal sealed record UidRow(string Value, string Name, string Type, bool Retired, string Keyword);

/// <summary>A row of a private dictionary: the creator's own element, with the block byte usually 'xx'.</summary>
internal sealed record PrivateElementRow(string Creator, TagPattern Tag, string[] VRs, string VM, string Name, bool Retired);

/// <summary>Everything the generator reads from one pydicom installation.</summary>
internal sealed record PydicomSource(
    string PydicomVersion,
    string StandardEdition,
    IReadOnlyList<DataElementRow> Elements,
    IReadOnlyList<DataElementRow> Repeaters,
    IReadOnlyList<UidRow> Uids,
    IReadOnlyList<PrivateElementRow> PrivateElements);
