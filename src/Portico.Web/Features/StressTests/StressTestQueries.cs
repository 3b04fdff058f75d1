using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Dicom.Documents;
using Portico.Dicom.IO;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Storage;

namespace Portico.Web.Features.StressTests;

/// <summary>Reads a study's stress test: summary, original XML, PDF report. Shared by the API and the study page.</summary>
public sealed class StressTestQueries(PorticoDbContext db, IBlobStore blobs)
{
    public async Task<StressTestSummary?> GetAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        var row = await db.StressTestAttachments.AsNoTracking()
            .Where(a => a.Study.StudyInstanceUid == studyInstanceUid)
            .OrderByDescending(a => a.ImportedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        StressTest test = JsonSerializer.Deserialize<StressTest>(row.SummaryJson, StressTestIntake.Json)!;
        return new StressTestSummary
        {
            StudyInstanceUid = studyInstanceUid,
            Vendor = row.Vendor,
            XmlFileName = row.XmlFileName,
            XmlSha256 = row.XmlSha256,
            XmlSizeBytes = row.XmlSizeBytes,
            ImportedAt = row.ImportedAt,
            ImportedBy = row.ImportedBy,
            MatchedBy = row.MatchedBy,
            PdfSopInstanceUid = row.PdfSopInstanceUid,
            Test = test,
        };
    }

    /// <summary>The original XML file and its name; null when the study has no stress test.</summary>
    public async Task<(Stream Content, string FileName)?> OpenXmlAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        var row = await db.StressTestAttachments.AsNoTracking()
            .Where(a => a.Study.StudyInstanceUid == studyInstanceUid)
            .OrderByDescending(a => a.ImportedAt)
            .Select(a => new { a.XmlBlobKey, a.XmlFileName })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : (blobs.OpenRead(BlobKey.Parse(row.XmlBlobKey)), row.XmlFileName);
    }

    /// <summary>The PDF bytes carried by the study's Encapsulated PDF instance; null when there is none.</summary>
    public async Task<byte[]?> ReadPdfAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        string? sop = await db.StressTestAttachments.AsNoTracking()
            .Where(a => a.Study.StudyInstanceUid == studyInstanceUid)
            .OrderByDescending(a => a.ImportedAt)
            .Select(a => a.PdfSopInstanceUid)
            .FirstOrDefaultAsync(cancellationToken);
        string? key = sop is null ? null : await db.Instances.BlobKeyOfAsync(sop, cancellationToken);
        if (key is null)
        {
            return null;
        }

        await using Stream stream = blobs.OpenRead(BlobKey.Parse(key));
        DicomFile file = await DicomFile.ReadAsync(stream, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 }, cancellationToken);
        return EncapsulatedPdf.Extract(file.Dataset);
    }
}
