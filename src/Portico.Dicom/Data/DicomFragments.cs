using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Dicom.Data;

/// <summary>Encapsulated pixel data (PS3.5 §A.4): the Basic Offset Table then one item per fragment, kept undecoded.</summary>
public sealed class DicomFragments : DicomItem
{
    public DicomFragments(DicomTag tag, DicomVR vr)
        : base(tag, vr)
    {
    }

    /// <summary>Every item, the first being the Basic Offset Table (often empty).</summary>
    public List<DicomFragment> Fragments { get; } = [];
}

/// <summary>One item of encapsulated pixel data: its bytes, or a range of the source when large.</summary>
public readonly record struct DicomFragment(ReadOnlyMemory<byte> Data, DicomValueRange? Range)
{
    public long Length => Range?.Length ?? Data.Length;
}
