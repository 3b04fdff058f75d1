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
        List<string> files = Expand(inputs, recursive, stderr, ref failures);

        // Files are read and formatted in parallel (a small window per core) and printed in order.
        int window = Math.Max(2, Environment.ProcessorCount * 4);
        var pending = new Queue<Task<Rendered>>();
        try
        {
            foreach (string path in files)
            {
                pending.Enqueue(Task.Run(() => RenderAsync(path, json, cancellationToken), cancellationToken));
                if (pending.Count >= window)
                {
                    failures += await EmitAsync(await pending.Dequeue().ConfigureAwait(false), writer, stderr).ConfigureAwait(false);
                }
            }

            while (pending.Count > 0)
            {
                failures += await EmitAsync(await pending.Dequeue().ConfigureAwait(false), writer, stderr).ConfigureAwait(false);
            }
        }
        finally
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return failures == 0 ? 0 : 1;
    }

    private readonly record struct Rendered(string Path, string? Text, string? Error);

    private static readonly DicomFileReadOptions ReadOptions = new() { DeferValuesLongerThan = 4096 };

    private static async Task<Rendered> RenderAsync(string path, bool json, CancellationToken cancellationToken)
    {
        DicomFile file;
        try
        {
            file = await DicomFile.OpenAsync(path, ReadOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DicomFormatException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new Rendered(path, null, ex.Message);
        }

        if (json)
        {
            return new Rendered(path, DicomJsonWriter.Serialize(file.Dataset, indented: true) + "\n", null);
        }

        var text = new StringWriter(new StringBuilder(8192), System.Globalization.CultureInfo.InvariantCulture);
        new DatasetPrinter(text).Print(path, file);
        return new Rendered(path, text.ToString(), null);
    }

    private static async Task<int> EmitAsync(Rendered rendered, TextWriter writer, TextWriter stderr)
    {
        if (rendered.Error is not null)
        {
            await writer.FlushAsync().ConfigureAwait(false);
            await stderr.WriteLineAsync($"portico dump: {rendered.Path}: {rendered.Error}").ConfigureAwait(false);
            return 1;
        }

        await writer.WriteAsync(rendered.Text).ConfigureAwait(false);
        return 0;
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
