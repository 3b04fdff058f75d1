namespace Portico.Dicom.IO;

/// <summary>What <see cref="DicomReader"/> found.</summary>
public enum DicomTokenType : byte
{
    None,
    /// <summary>An element with a value (possibly deferred, see <see cref="DicomReader.IsValueDeferred"/>).</summary>
    Element,
    /// <summary>The start of a sequence (SQ, or UN / implicit of undefined length, PS3.5 §6.2.2).</summary>
    SequenceStart,
    SequenceEnd,
    ItemStart,
    ItemEnd,
    /// <summary>The start of encapsulated pixel data (undefined length OB/OW), PS3.5 §A.4.</summary>
    FragmentsStart,
    /// <summary>One fragment; the first is the Basic Offset Table.</summary>
    Fragment,
    FragmentsEnd,
}
