using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;

namespace Portico.Tests.Shared;

/// <summary>
/// Third-party sample files (pydicom's test files, installed by scripts/test.sh) and fresh copies of them with new
/// Study, Series and SOP Instance UIDs, so tests never share data. Linked into the test projects that need it.
/// </summary>
internal static class DicomSamples
{
    public const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    public static string Pydicom(string name)
    {
        string path = Path.Combine(PydicomTestFiles, name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run scripts/test.sh, which installs python3-pydicom.");
    }

    /// <summary>A copy of a pydicom file with new UIDs (or the given SOP Instance UID), optionally changed further.</summary>
    public static byte[] WithNewUids(string name, out string studyUid, out string sopUid, string? sopInstanceUid = null, Action<DicomDataset>? change = null)
    {
        DicomFile file = DicomFile.Open(Pydicom(name), new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 });
        studyUid = UidGenerator.NewUid();
        sopUid = sopInstanceUid ?? UidGenerator.NewUid();
        file.Dataset.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid);
        file.Dataset.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, UidGenerator.NewUid());
        file.Dataset.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, sopUid);
        file.Meta.Remove(DicomTags.MediaStorageSOPInstanceUID);
        change?.Invoke(file.Dataset);
        using var output = new MemoryStream();
        DicomFileWriter.WriteAsync(file, output).GetAwaiter().GetResult();
        return output.ToArray();
    }
}
