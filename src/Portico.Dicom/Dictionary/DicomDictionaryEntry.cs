using Portico.Dicom.Values;

namespace Portico.Dicom.Dictionary;

/// <summary>One row of the PS3.6 data dictionary (or of a private dictionary).</summary>
/// <param name="Tag">The tag, with repeating-group positions (the "xx" of 50xx, 60xx) set to zero.</param>
/// <param name="Mask">Bits of the tag that must match: 0xFFFFFFFF for ordinary rows, 0xFF00FFFF for 60xx groups.</param>
/// <param name="VRs">Allowed VRs; the first is used for implicit VR data, except Pixel Data family (OW).</param>
/// <param name="VM">Value multiplicity as the standard writes it ("1", "1-n", "2-2n").</param>
public sealed record DicomDictionaryEntry(
    DicomTag Tag,
    uint Mask,
    DicomVR[] VRs,
    string VM,
    string Name,
    string Keyword,
    bool Retired)
{
    /// <summary>The VR to use when the data carries none (implicit VR transfer syntax).</summary>
    public DicomVR ImplicitVR => VRs.Length == 0 ? DicomVR.UN : VRs.Length > 1 && VRs.Contains(DicomVR.OW) ? DicomVR.OW : VRs[0];

    public bool Matches(DicomTag tag) => (tag.Value & Mask) == Tag.Value;
}
