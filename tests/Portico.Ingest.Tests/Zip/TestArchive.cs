using System.IO.Compression;
using System.Text;

namespace Portico.Ingest.Tests.Zip;

/// <summary>Archives built at test time with System.IO.Compression.</summary>
internal static class TestArchive
{
    public static void Write(string path, params (string Name, byte[] Data)[] entries) => Write(path, CompressionLevel.Optimal, entries);

    public static void Write(string path, CompressionLevel level, params (string Name, byte[] Data)[] entries)
    {
        using var stream = File.Create(path);
        WriteTo(stream, level, entries);
    }

    /// <summary>A small archive in memory, to nest inside another one.</summary>
    public static byte[] Bytes(params (string Name, byte[] Data)[] entries)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, CompressionLevel.Optimal, entries);
        return stream.ToArray();
    }

    /// <summary>
    /// Renames entries the BCL would not write: each placeholder (written as a normal entry name) is replaced,
    /// byte for byte, in the local header and the central directory record (APPNOTE 4.3.7, 4.3.12).
    /// </summary>
    public static void ReplaceNames(string path, params (string Placeholder, string Name)[] renames)
    {
        byte[] bytes = File.ReadAllBytes(path);
        foreach ((string placeholder, string name) in renames)
        {
            byte[] from = Encoding.UTF8.GetBytes(placeholder);
            byte[] to = Encoding.UTF8.GetBytes(name);
            if (from.Length != to.Length)
            {
                throw new ArgumentException($"'{placeholder}' and '{name}' differ in length.", nameof(renames));
            }

            int count = 0;
            for (int at = bytes.AsSpan().IndexOf(from); at >= 0;)
            {
                to.CopyTo(bytes, at);
                count++;
                int next = bytes.AsSpan(at + 1).IndexOf(from);
                at = next < 0 ? -1 : at + 1 + next;
            }

            if (count != 2)
            {
                throw new InvalidOperationException($"'{placeholder}' occurs {count} times; expected the local header and the central directory.");
            }
        }

        File.WriteAllBytes(path, bytes);
    }

    private static void WriteTo(Stream stream, CompressionLevel level, (string Name, byte[] Data)[] entries)
    {
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach ((string name, byte[] data) in entries)
        {
            ZipArchiveEntry entry = archive.CreateEntry(name, level);
            using Stream content = entry.Open();
            content.Write(data);
        }
    }
}
