using System.Text;
using Portico.Dicom;
using Portico.Dicom.Data;
using Portico.Dicom.IO;
using Portico.Dicom.Json;

namespace Portico.Cli.Commands;

/// <summary>`portico dump FILE|DIR... [-r] [--json]`: prints each data set, or its DICOM JSON; never stops at a bad file.</summary>
internal static class DumpCommand
{
    public const string Usage = "usage: portico dump FILE|DIR... [-r|--recursive] [--json]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        bool recursive = false;
        bool json = false;
        var inputs = new List<string>();
        foreach (string arg in args)
        {
            switch (arg)
            {
                case "-r" or "--recursive":
                    recursive = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "-h" or "--help":
                    stdout.WriteLine(Usage);
                    return 0;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        stderr.WriteLine($"portico dump: unknown option '{arg}'");
                        stderr.WriteLine(Usage);
                        return 2;
                    }

                    inputs.Add(arg);
                    break;
            }
        }

        if (inputs.Count == 0)
        {
            stderr.WriteLine(Usage);
            return 2;
        }

        var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        TextWriter writer = ReferenceEquals(stdout, Console.Out) ? output : stdout;
        int failures = 0;
        var options = new DicomFileReadOptions { DeferValuesLongerThan = 4096 };
        var printer = new DatasetPrinter(writer);
        try
        {
            foreach (string path in Expand(inputs, recursive, stderr, ref failures))
            {
                cancellationToken.ThrowIfCancellationRequested();
                DicomFile file;
                try
                {
                    file = await DicomFile.OpenAsync(path, options, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is DicomFormatException or IOException or UnauthorizedAccessException or NotSupportedException)
                {
                    failures++;
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    stderr.WriteLine($"portico dump: {path}: {ex.Message}");
                    continue;
                }

                if (json)
                {
                    writer.WriteLine(DicomJsonWriter.Serialize(file.Dataset, indented: true));
                }
                else
                {
                    printer.Print(path, file);
                }
            }
        }
        finally
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return failures == 0 ? 0 : 1;
    }

    private static List<string> Expand(List<string> inputs, bool recursive, TextWriter stderr, ref int failures)
    {
        var files = new List<string>();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                try
                {
                    var found = Directory.GetFiles(input, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly);
                    Array.Sort(found, StringComparer.Ordinal);
                    files.AddRange(found);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    failures++;
                    stderr.WriteLine($"portico dump: {input}: {ex.Message}");
                }
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                failures++;
                stderr.WriteLine($"portico dump: {input}: no such file or directory");
            }
        }

        return files;
    }
}
