using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Documents;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Dicom.Tests.Documents;

public sealed class EncapsulatedPdfTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A minimal PDF of odd length (the pad rule applies).</summary>
    private static readonly byte[] OddPdf = "%PDF-1.4\n%%EOF\n"u8.ToArray();

    private static EncapsulatedPdfRequest Request() => new()
    {
        StudyInstanceUid = UidGenerator.NewUid(),
        SeriesInstanceUid = UidGenerator.NewUid(),
        SopInstanceUid = UidGenerator.NewUid(),
        PatientName = "TESTPATIENT^ALPHA",
        PatientId = "TEST-000101",
        PatientBirthDate = new DateOnly(1961, 4, 15),
        PatientSex = "M",
        StudyDate = new DateOnly(2024, 3, 12),
        StudyTime = "094105",
        SeriesNumber = 3,
        SeriesDescription = "Exercise stress test report",
        Manufacturer = "GE Healthcare",
        ContentDateTime = new DateTime(2024, 3, 12, 9, 41, 5, DateTimeKind.Unspecified),
        DocumentTitle = "Exercise Stress Test Report",
    };

    [Fact]
    public async Task Build_OddLengthPdf_PadsAndWritesLength()
    {
        Assert.Equal(1, OddPdf.Length % 2);
        DicomFile file = EncapsulatedPdf.Build(Request(), OddPdf);

        byte[] bytes = await EncapsulatedPdf.ToBytesAsync(file, Ct);
        DicomFile read = await DicomFile.ReadAsync(new MemoryStream(bytes), cancellationToken: Ct);

        DicomDataset ds = read.Dataset;
        Assert.Equal(DicomUids.EncapsulatedPDFStorage, ds.GetString(DicomTags.SOPClassUID));
        Assert.Equal("DOC", ds.GetString(DicomTags.Modality));
        Assert.Equal("application/pdf", ds.GetString(DicomTags.MIMETypeOfEncapsulatedDocument));
        Assert.Equal("WSD", ds.GetString(DicomTags.ConversionType));
        Assert.Equal("YES", ds.GetString(DicomTags.BurnedInAnnotation));
        Assert.Equal("3", ds.GetString(DicomTags.SeriesNumber));
        Assert.Equal((uint)OddPdf.Length, ds.GetValue<uint>(DicomTags.EncapsulatedDocumentLength));
        Assert.True(ds.TryGetElement(DicomTags.EncapsulatedDocument, out DicomElement? doc));
        Assert.Equal(OddPdf.Length + 1, doc.Value.Length);
        Assert.Equal(0, doc.Value.Span[^1]);
        Assert.Equal(OddPdf, EncapsulatedPdf.Extract(ds));
        Assert.Equal("20240312094105", ds.GetString(DicomTags.AcquisitionDateTime));
    }

    [Fact]
    public void Build_NotAPdf_Throws()
    {
        Assert.Throws<ArgumentException>(() => EncapsulatedPdf.Build(Request(), "hello"u8.ToArray()));
    }

    [Fact]
    public async Task Build_NonAsciiName_UsesUtf8CharacterSet()
    {
        DicomFile file = EncapsulatedPdf.Build(Request() with { PatientName = "TESTPATIENT^BÊTA" }, OddPdf);
        DicomFile read = await DicomFile.ReadAsync(new MemoryStream(await EncapsulatedPdf.ToBytesAsync(file, Ct)), cancellationToken: Ct);

        Assert.Equal("ISO_IR 192", read.Dataset.GetString(DicomTags.SpecificCharacterSet));
        Assert.Equal("TESTPATIENT^BÊTA", read.Dataset.GetString(DicomTags.PatientName));
    }

    [Fact]
    public async Task Build_Dcmtk_DcmdumpReadsAndDcm2pdfGivesBackTheSameBytes()
    {
        string dir = Directory.CreateTempSubdirectory("portico-pdf-").FullName;
        try
        {
            string dcm = Path.Combine(dir, "report.dcm");
            string pdf = Path.Combine(dir, "report.pdf");
            await File.WriteAllBytesAsync(dcm, await EncapsulatedPdf.ToBytesAsync(EncapsulatedPdf.Build(Request(), OddPdf), Ct), Ct);

            (int dumpCode, string dump) = await RunAsync("dcmdump", ["-E", dcm]);
            Assert.True(dumpCode == 0, dump);
            Assert.Contains("EncapsulatedDocumentLength", dump, StringComparison.Ordinal);
            Assert.Contains("application/pdf", dump, StringComparison.Ordinal);

            (int code, string output) = await RunAsync("dcm2pdf", [dcm, pdf]);
            Assert.True(code == 0, output);
            Assert.Equal(OddPdf, await File.ReadAllBytesAsync(pdf, Ct));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string tool, string[] arguments)
    {
        ExternalProgram.Result result = await ExternalProgram.RunAsync(tool, arguments, cancellationToken: Ct);
        return (result.ExitCode, result.Messages);
    }
}
