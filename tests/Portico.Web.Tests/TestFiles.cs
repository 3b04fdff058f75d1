using Portico.Tests.Shared;

namespace Portico.Web.Tests;

/// <summary>pydicom's test files (see <see cref="DicomSamples"/>).</summary>
internal static class TestFiles
{
    public static string Pydicom(string name) => DicomSamples.Pydicom(name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Pydicom(name));

    public static byte[] WithNewUids(string name, out string studyUid, out string sopUid) => DicomSamples.WithNewUids(name, out studyUid, out sopUid);
}
