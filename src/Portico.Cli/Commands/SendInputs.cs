using System.IO.Compression;
using Portico.Dicom;
using Portico.Dicom.Network.Dimse;

namespace Portico.Cli.Commands;

/// <summary>
/// What `portico send` sends: Part 10 files found in files, folders and ZIP archives (entries are read streaming, never
/// extracted). Anything that is not DICOM is skipped; an archive entry with an absolute or traversing name is refused.
/// </summary>
internal static class SendInputs
{
    /// <summary>One instance to send: a file, or an entry of a ZIP archive.</summary>
    public sealed record Item(string Display, string Path, string? Entry, string SopClassUid, string SopInstanceUid, string TransferSyntaxUid);

    public sealed record Problem(string Display, string Reason);

    public sealed class Scan
    {
        public List<Item> Items { get; } = [];

        /// <summary>Inputs that could not be read or archive entries that were refused: each counts as a failure.</summary>
        public List<Problem> Problems { get; } = [];

        /// <summary>Files and entries skipped because they are not DICOM Part 10.</summary>
        public List<string> Skipped { get; } = [];
    }

    public static async Task<Scan> ScanAsync(IEnumerable<string> inputs, bool recursive, CancellationToken cancellationToken)
    {
        var scan = new Scan();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                string[] files;
                try
                {
                    files = Directory.GetFiles(input, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    scan.Problems.Add(new Problem(input, ex.Message));
                    continue;
                }
                Array.Sort(files, StringComparer.Ordinal);
                foreach (string file in files)
                {
                    await ScanFileAsync(file, scan, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (File.Exists(input))
            {
                await ScanFileAsync(input, scan, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                scan.Problems.Add(new Problem(input, "no such file or directory"));
            }
        }
        return scan;
    }

    /// <summary>Opens an item's stream at the start of its Part 10 bytes. Entries come from <paramref name="archives"/> (opened once each).</summary>
    public static Stream Open(Item item, Dictionary<string, ZipArchive> archives)
    {
        if (item.Entry is null)
        {
            return new FileStream(item.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        }
        if (!archives.TryGetValue(item.Path, out ZipArchive? archive))
        {
            archive = ZipFile.OpenRead(item.Path);
            archives[item.Path] = archive;
        }
        ZipArchiveEntry entry = archive.GetEntry(item.Entry) ?? throw new FileNotFoundException($"The archive no longer has {item.Entry}.");
        return entry.Open();
    }

    /// <summary>Why an archive entry name is refused (absolute, traversing, control characters), or null when it is fine.</summary>
    public static string? RefuseReason(string name)
    {
        if (name.Length == 0)
        {
            return "empty entry name";
        }
        if (name.Any(char.IsControl))
        {
            return "control characters in the entry name";
        }
        if (name[0] is '/' or '\\' || (name.Length > 1 && name[1] == ':'))
        {
            return "absolute path in the entry name";
        }
        if (name.Split('/', '\\').Any(segment => segment == ".."))
        {
            return "path traversal ('..') in the entry name";
        }
        return null;
    }

    private static async Task ScanFileAsync(string path, Scan scan, CancellationToken cancellationToken)
    {
        try
        {
            if (await IsZipAsync(path, cancellationToken).ConfigureAwait(false))
            {
                await ScanArchiveAsync(path, scan, cancellationToken).ConfigureAwait(false);
                return;
            }
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                Part10Header? header = await TryReadHeaderAsync(stream, cancellationToken).ConfigureAwait(false);
                if (header is null)
                {
                    scan.Skipped.Add(path);
                    return;
                }
                scan.Items.Add(new Item(path, path, null, header.SopClassUid, header.SopInstanceUid, header.TransferSyntaxUid));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            scan.Problems.Add(new Problem(path, ex.Message));
        }
    }

    private static async Task ScanArchiveAsync(string path, Scan scan, CancellationToken cancellationToken)
    {
        using ZipArchive archive = ZipFile.OpenRead(path);
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            string display = $"{path}!{entry.FullName}";
            if (entry.FullName.EndsWith('/') && entry.Length == 0)
            {
                continue; // a folder
            }
            if (RefuseReason(entry.FullName) is { } reason)
            {
                scan.Problems.Add(new Problem(display, $"refused: {reason}"));
                continue;
            }
            Stream stream = entry.Open();
            await using (stream.ConfigureAwait(false))
            {
                Part10Header? header = await TryReadHeaderAsync(stream, cancellationToken).ConfigureAwait(false);
                if (header is null)
                {
                    scan.Skipped.Add(display);
                    continue;
                }
                scan.Items.Add(new Item(display, path, entry.FullName, header.SopClassUid, header.SopInstanceUid, header.TransferSyntaxUid));
            }
        }
    }

    private static async Task<Part10Header?> TryReadHeaderAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            return await Part10Header.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch (DicomFormatException)
        {
            return null;
        }
    }

    private static async Task<bool> IsZipAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            byte[] magic = new byte[4];
            int read = await stream.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return read == 4 && magic.AsSpan().SequenceEqual("PK\u0003\u0004"u8);
        }
    }
}
