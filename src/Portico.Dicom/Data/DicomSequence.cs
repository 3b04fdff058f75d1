using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Dicom.Data;

/// <summary>A sequence of items (PS3.5 §7.5). UN of undefined length read as a sequence keeps VR UN.</summary>
public sealed class DicomSequence : DicomItem
{
    public DicomSequence(DicomTag tag, DicomVR vr, bool undefinedLength = true)
        : base(tag, vr)
    {
        UndefinedLength = undefinedLength;
    }

    public DicomSequence(DicomTag tag, params IEnumerable<DicomDataset> items)
        : this(tag, DicomVR.SQ)
    {
        Items.AddRange(items);
    }

    public List<DicomDataset> Items { get; } = [];

    /// <summary>Encoded with undefined length and a sequence delimiter (kept so a file round-trips byte for byte).</summary>
    public bool UndefinedLength { get; set; }
}
