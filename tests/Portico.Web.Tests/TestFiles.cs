namespace Portico.Web.Tests;

/// <summary>pydicom's test files, installed by scripts/test.sh.</summary>
internal static class TestFiles
{
    public static string Pydicom(string name)
    {
        string path = Path.Combine("/usr/lib/python3/dist-packages/pydicom/data/test_files", name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run scripts/test.sh, which installs python3-pydicom.");
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(Pydicom(name));

    /// <summary>A copy of a pydicom file with new Study, Series and SOP Instance UIDs, so tests never share data.</summary>
    public static byte[] WithNewUids(string name, out string studyUid, out string sopUid)
    {
        Portico.Dicom.IO.DicomFile file = Portico.Dicom.IO.DicomFile.Open(Pydicom(name), new Portico.Dicom.IO.DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 });
        studyUid = Portico.Dicom.Uids.UidGenerator.NewUid();
        sopUid = Portico.Dicom.Uids.UidGenerator.NewUid();
        file.Dataset.AddOrUpdate(Portico.Dicom.Dictionary.DicomTags.StudyInstanceUID, Portico.Dicom.Values.DicomVR.UI, studyUid);
        file.Dataset.AddOrUpdate(Portico.Dicom.Dictionary.DicomTags.SeriesInstanceUID, Portico.Dicom.Values.DicomVR.UI, Portico.Dicom.Uids.UidGenerator.NewUid());
        file.Dataset.AddOrUpdate(Portico.Dicom.Dictionary.DicomTags.SOPInstanceUID, Portico.Dicom.Values.DicomVR.UI, sopUid);
        file.Meta.Remove(Portico.Dicom.Dictionary.DicomTags.MediaStorageSOPInstanceUID);
        using var output = new MemoryStream();
        Portico.Dicom.IO.DicomFileWriter.WriteAsync(file, output).GetAwaiter().GetResult();
        return output.ToArray();
    }
}
