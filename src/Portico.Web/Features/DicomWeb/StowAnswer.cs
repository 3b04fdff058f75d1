using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Network.Services;
using Portico.Dicom.Values;
using Portico.Ingest.Dicom;
using Portico.Ingest.Pipeline;

namespace Portico.Web.Features.DicomWeb;

/// <summary>
/// The STOW-RS response (PS3.18 §10.5.3): stored instances in the Referenced SOP Sequence with their Retrieve URL,
/// the others in the Failed SOP Sequence with the C-STORE status Portico would have answered over the network as
/// their Failure Reason, and why in words as Warning headers (the response data set has no place for text).
/// </summary>
internal sealed class StowAnswer(string root)
{
    private readonly List<DicomDataset> _referenced = [];
    private readonly List<DicomDataset> _failed = [];
    private readonly HashSet<string> _studies = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];

    public int Parts => _referenced.Count + _failed.Count;

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>200 when every part was stored (or already was), 409 when none was, 202 in between (PS3.18 Table 10.5.3-1).</summary>
    public int StatusCode => _failed.Count == 0 ? StatusCodes.Status200OK : _referenced.Count == 0 ? StatusCodes.Status409Conflict : StatusCodes.Status202Accepted;

    public void Add(int part, IngestOutcome outcome, DimseResult result)
    {
        var item = new DicomDataset();
        if (outcome.SopClassUid is { Length: > 0 } sopClass)
        {
            item.AddOrUpdate(DicomTags.ReferencedSOPClassUID, DicomVR.UI, sopClass);
        }

        if (outcome.SopInstanceUid is { Length: > 0 } sopInstance)
        {
            item.AddOrUpdate(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, sopInstance);
        }

        if (result.Status == DimseResult.Success.Status)
        {
            string study = outcome.StudyInstanceUid!;
            _studies.Add(study);
            item.AddOrUpdate(DicomTags.RetrieveURL, DicomVR.UR, DicomWebApi.RetrieveUrl(root, study, outcome.SeriesInstanceUid, outcome.SeriesInstanceUid is null ? null : outcome.SopInstanceUid));
            _referenced.Add(item);
            return;
        }

        item.AddOrUpdate<ushort>(DicomTags.FailureReason, DicomVR.US, result.Status);
        _failed.Add(item);
        _warnings.Add($"Part {part}{(outcome.SopInstanceUid is { } uid ? $" ({uid})" : "")}: {result.ErrorComment ?? outcome.Reason}");
    }

    /// <summary>A part that is not a DICOM file.</summary>
    public void Refused(int part, string reason) => Unreadable($"Part {part}: {reason}");

    /// <summary>The request body ended inside a part: that part is refused, the ones before it stand.</summary>
    public void BrokenOff(string reason) => Unreadable($"The request ended before its last part was complete: {reason}");

    /// <summary>A part whose UIDs are unknown: its failure item holds the reason code only.</summary>
    private void Unreadable(string warning)
    {
        var item = new DicomDataset();
        item.AddOrUpdate<ushort>(DicomTags.FailureReason, DicomVR.US, CStoreTarget.CannotUnderstand);
        _failed.Add(item);
        _warnings.Add(warning);
    }

    public DicomDataset ToDataset()
    {
        var response = new DicomDataset();
        if (_studies.Count == 1)
        {
            response.AddOrUpdate(DicomTags.RetrieveURL, DicomVR.UR, DicomWebApi.RetrieveUrl(root, _studies.First(), null, null));
        }

        if (_failed.Count > 0)
        {
            response.Add(new DicomSequence(DicomTags.FailedSOPSequence, _failed));
        }

        if (_referenced.Count > 0)
        {
            response.Add(new DicomSequence(DicomTags.ReferencedSOPSequence, _referenced));
        }

        return response;
    }
}
