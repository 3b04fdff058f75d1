using System.Net;
using System.Net.Http.Headers;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Browser.Tests.StudyList;

/// <summary>Puts studies on the server the way a script does: POST /api/instances with the administrator's key.</summary>
internal static class StudyUploads
{
    /// <summary>A copy of a pydicom sample with new UIDs and the given patient; returns its Study Instance UID.</summary>
    public static async Task<string> UploadAsync(PorticoServer server, string sample, string patientName, string patientId, string? description = null)
    {
        byte[] bytes = Sample(sample, patientName, patientId, description, out string studyUid);
        using HttpClient client = server.Admin();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        HttpResponseMessage response = await client.PostAsync("/api/instances", content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return studyUid;
    }

    public static byte[] Sample(string sample, string patientName, string patientId, string? description, out string studyUid) =>
        DicomSamples.WithNewUids(sample, out studyUid, out _, change: ds =>
        {
            ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, patientName);
            ds.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, patientId);
            if (description is not null)
            {
                ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, description);
            }
        });

    /// <summary>A short token that makes this test's patients findable among the others on the shared server.</summary>
    public static string Token() => "T" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
}
