using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

public sealed class ZipEntryNamesTests
{
    [Theory]
    [InlineData("../evil.dcm", ZipEntryDisposition.SkippedTraversal)]
    [InlineData("a/../../evil.dcm", ZipEntryDisposition.SkippedTraversal)]
    [InlineData("a\\..\\..\\evil.dcm", ZipEntryDisposition.SkippedTraversal)]
    [InlineData("a/...", ZipEntryDisposition.SkippedTraversal)]
    [InlineData("/etc/passwd", ZipEntryDisposition.SkippedAbsolutePath)]
    [InlineData("\\x.dcm", ZipEntryDisposition.SkippedAbsolutePath)]
    [InlineData("C:\\x.dcm", ZipEntryDisposition.SkippedAbsolutePath)]
    [InlineData("z:/x.dcm", ZipEntryDisposition.SkippedAbsolutePath)]
    [InlineData("a/b/c.dcm", null)]
    [InlineData("a..b/c.dcm", null)]
    [InlineData("./a.dcm", null)]
    [InlineData("1:2.dcm", null)]
    public void CheckPath_Name_Classified(string name, ZipEntryDisposition? expected)
    {
        Assert.Equal(expected, ZipEntryNames.CheckPath(name));
    }

    [Theory]
    [InlineData("DICOMDIR", true)]
    [InlineData("dicomdir", true)]
    [InlineData("CD/DicomDir", true)]
    [InlineData("CD\\DICOMDIR;1", true)]
    [InlineData("DICOMDIR.", true)]
    [InlineData("DICOMDIR.dcm", false)]
    [InlineData("DICOMDIR/IMG1", false)]
    [InlineData("MYDICOMDIR", false)]
    public void IsDicomDir_Name_ByFileNameInAnyCase(string name, bool expected)
    {
        Assert.Equal(expected, ZipEntryNames.IsDicomDir(name));
    }

    [Theory]
    [InlineData("inner.zip", true)]
    [InlineData("a/INNER.ZIP", true)]
    [InlineData("a.zip/b.dcm", false)]
    [InlineData("report.docx", false)]
    public void IsZipArchive_Name_ByExtension(string name, bool expected)
    {
        Assert.Equal(expected, ZipEntryNames.IsZipArchive(name));
    }
}
