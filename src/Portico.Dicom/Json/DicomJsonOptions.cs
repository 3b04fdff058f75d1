using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Dicom.Json;

/// <summary>Limits and choices for <see cref="DicomJsonWriter"/> and <see cref="DicomJsonReader"/> (DICOM JSON Model, PS3.18 Annex F).</summary>
public sealed record DicomJsonOptions
{
    public static readonly DicomJsonOptions Default = new();

    /// <summary>
    /// Deepest sequence nesting read or written (a top-level attribute is at depth 0, an item of a
    /// top-level sequence at depth 1). Default 64, as <see cref="IO.DicomReaderOptions.MaxDepth"/> and
    /// Utf8JsonReader; real data rarely passes 10. The JSON nesting the reader accepts follows from it.
    /// </summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>
    /// Writing: called for every element whose VR may carry a "BulkDataURI" (PS3.18 F.2.2: DS, FD, FL, IS,
    /// LT, OB, OD, OF, OL, OV, OW, SL, SS, ST, SV, UC, UL, UN, US, UT, UV), loaded or not. A non-null
    /// result is written as "BulkDataURI" in place of the value ("Value" or "InlineBinary").
    /// </summary>
    public Func<DicomElement, string?>? BulkDataUri { get; init; }

    /// <summary>
    /// Writing: called for encapsulated pixel data. A non-null result is written as "BulkDataURI". The
    /// JSON model has no inline form for fragments (InlineBinary of the concatenated fragments would
    /// lose their boundaries and the offset table), so without a URI the value is not written; see
    /// <see cref="IncludeNotLoaded"/>.
    /// </summary>
    public Func<DicomFragments, string?>? FragmentsBulkDataUri { get; init; }

    /// <summary>
    /// Writing: what to do with an attribute whose value cannot be written (a value not loaded,
    /// <see cref="DicomElement.Range"/> set, or encapsulated fragments) when no BulkDataURI is given for
    /// it. True (the default) writes the attribute with its "vr" only, so the reader sees that it exists;
    /// note that a reader takes such an attribute for an empty value (PS3.18 F.2.5). False leaves the
    /// attribute out.
    /// </summary>
    public bool IncludeNotLoaded { get; init; } = true;

    /// <summary>
    /// Reading: resolves a "BulkDataURI" to the value bytes (little endian for binary VRs, UTF-8 for
    /// text VRs, as PS3.18 F.2.2 note 4 says). Returning null, or having no resolver, leaves the
    /// attribute out of the data set: the reader never invents an empty value for data it did not see.
    /// </summary>
    public Func<DicomTag, DicomVR, string, ReadOnlyMemory<byte>?>? BulkDataResolver { get; init; }
}
