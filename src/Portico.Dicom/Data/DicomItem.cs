using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Dicom.Data;

/// <summary>One entry of a <see cref="DicomDataset"/>: an element with a value, a sequence, or encapsulated fragments.</summary>
public abstract class DicomItem
{
    private protected DicomItem(DicomTag tag, DicomVR vr)
    {
        Tag = tag;
        VR = vr;
    }

    public DicomTag Tag { get; }

    public DicomVR VR { get; }

    /// <summary>Tag and VR only: values may be patient data and never appear here.</summary>
    public override string ToString() => $"{Tag} {VR}";
}
