using Portico.Dicom.IO;
using Portico.Interop.Tests.Dcmtk;
using Xunit;

namespace Portico.Interop.Tests;

/// <summary>Files DCMTK converts into every transfer syntax it can write are read by Portico exactly as dcmdump lists them.</summary>
public sealed class DcmtkConversionTests
{
    public static TheoryData<string, string, string> Conversions()
    {
        // source file, DCMTK tool, its option for the target syntax
        var data = new TheoryData<string, string, string>();
        foreach (string source in new[] { "test_files/CT_small.dcm", "test_files/MR_small.dcm", "test_files/SC_rgb_small_odd.dcm", "test_files/rtplan.dcm" })
        {
            foreach (string option in new[] { "+ti", "+te", "+tb", "+td" })
            {
                data.Add(source, "dcmconv", option);
            }
        }

        foreach (string source in new[] { "test_files/CT_small.dcm", "test_files/MR_small.dcm", "test_files/SC_rgb_small_odd.dcm" })
        {
            data.Add(source, "dcmcjpeg", "+e1"); // JPEG lossless, process 14, selection value 1
            data.Add(source, "dcmcjpeg", "+el"); // JPEG lossless, process 14, any predictor
            data.Add(source, "dcmcjpls", "+el"); // JPEG-LS lossless
            data.Add(source, "dcmcrle", string.Empty); // RLE lossless
        }

        data.Add("test_files/SC_rgb_small_odd.dcm", "dcmcjpeg", "+eb"); // JPEG baseline (8-bit)
        data.Add("test_files/SC_rgb_small_odd.dcm", "dcmcjpeg", "+ee"); // JPEG extended
        data.Add("test_files/SC_rgb_small_odd.dcm", "dcmcjpls", "+en"); // JPEG-LS near-lossless (unsigned data only)
        return data;
    }

    [Theory]
    [MemberData(nameof(Conversions))]
    public async Task Open_FileConvertedByDcmtk_MatchesDcmdump(string source, string tool, string option)
    {
        string dir = TestFiles.NewTempDirectory();
        try
        {
            string converted = Path.Combine(dir, "converted.dcm");
            string[] arguments = option.Length == 0 ? [TestFiles.Full(source), converted] : [option, TestFiles.Full(source), converted];
            ExternalTool.Result result = ExternalTool.Run(tool, arguments);
            Assert.True(result.ExitCode == 0, $"{tool} {option} failed: {result.StandardError}");

            Dcmdump dump = Dcmdump.Run(converted);
            Assert.True(dump.Readable, dump.Errors);
            DicomFile file = await DicomFile.OpenAsync(converted, cancellationToken: TestContext.Current.CancellationToken);
            List<string> differences = DatasetComparer.Compare(dump.Records, PorticoRecords.From(file), dump.Decoded);
            Assert.True(differences.Count == 0, $"{source} via {tool} {option}:\n{string.Join('\n', differences)}");
            if (tool != "dcmconv")
            {
                Assert.True(file.TransferSyntax.IsEncapsulated, $"{tool} {option} produced {file.TransferSyntax.Name}");
                Assert.IsType<Portico.Dicom.Data.DicomFragments>(file.Dataset.Find(new Portico.Dicom.Dictionary.DicomTag(0x7FE00010)));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
