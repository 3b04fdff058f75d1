using Portico.Dicom;
using Portico.Dicom.IO;
using Portico.Interop.Tests.Dcmtk;
using Xunit;

namespace Portico.Interop.Tests;

/// <summary>Every pydicom test file: Portico reads it exactly as DCMTK's dcmdump does, or, where dcmdump cannot read it, refuses it with a DicomFormatException.</summary>
public sealed class DcmdumpComparisonTests
{
    public static TheoryData<string> PydicomFiles() => new(TestFiles.AllPydicomFiles());

    /// <summary>
    /// Files DCMTK refuses that Portico reads on purpose, each with the reason. pydicom reads them too,
    /// and it is the oracle for them (<see cref="Open_FileDcmtkRefusesButPydicomReads_MatchesPydicom"/>).
    /// </summary>
    private static readonly Dictionary<string, string> ReadDespiteDcmtk = new(StringComparer.Ordinal)
    {
        // The meta information says JPEG Baseline (explicit VR) but the data set is implicit VR. DCMTK reads
        // the VR field as a 2-byte length and stops; Portico (like pydicom) sees VR bytes that are not a VR
        // and reads that element as implicit VR, with the VR from the dictionary.
        ["test_files/SC_rgb_jpeg.dcm"] = "implicit VR data set under an explicit VR transfer syntax",
    };

    public static TheoryData<string> ReadDespiteDcmtkFiles() => new(ReadDespiteDcmtk.Keys);

    [Theory]
    [MemberData(nameof(PydicomFiles))]
    public async Task Open_PydicomFile_MatchesDcmdumpOrIsRefused(string relativePath)
    {
        string path = TestFiles.Full(relativePath);
        Dcmdump dump = Dcmdump.Run(path);
        if (ReadDespiteDcmtk.ContainsKey(relativePath))
        {
            Assert.False(dump.Readable, $"{relativePath} is listed as refused by DCMTK, but dcmdump now reads it: remove it from the list.");
            return;
        }

        if (dump.Readable)
        {
            DicomFile file = await DicomFile.OpenAsync(path, cancellationToken: TestContext.Current.CancellationToken);
            List<string> differences = DatasetComparer.Compare(dump.Records, PorticoRecords.From(file), dump.Decoded);
            Assert.True(differences.Count == 0, $"{relativePath}:\n{string.Join('\n', differences)}");
        }
        else
        {
            DicomFormatException ex = await Assert.ThrowsAsync<DicomFormatException>(() => DicomFile.OpenAsync(path, cancellationToken: TestContext.Current.CancellationToken));
            Assert.Matches("^Invalid DICOM: .+ at offset \\d+", ex.Message);
        }
    }

    [Theory]
    [MemberData(nameof(ReadDespiteDcmtkFiles))]
    public async Task Open_FileDcmtkRefusesButPydicomReads_MatchesPydicom(string relativePath)
    {
        string path = TestFiles.Full(relativePath);
        ExternalTool.Result listing = ExternalTool.Run("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "pydicom_list.py"), path);
        Assert.Equal(0, listing.ExitCode);
        string[] expected = listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        DicomFile file = await DicomFile.OpenAsync(path, cancellationToken: TestContext.Current.CancellationToken);
        string[] actual = file.Dataset.Select(item => item is Portico.Dicom.Data.DicomElement e && e.VR.IsText
                ? $"{item.Tag.Value:X8}|{item.VR}|{string.Join('\\', e.GetStrings(file.Dataset.CharacterSet))}"
                : $"{item.Tag.Value:X8}|{item.VR}|")
            .ToArray();
        Assert.Equal(expected.Select(Normalize), actual.Select(Normalize));
    }

    // pydicom prints numbers from IS/DS as parsed numbers ("1" for "01"); compare tags, VRs and text of other VRs.
    private static string Normalize(string line)
    {
        string[] parts = line.Split('|', 3);
        return parts[1] is "IS" or "DS" ? $"{parts[0]}|{parts[1]}" : line.TrimEnd();
    }
}
