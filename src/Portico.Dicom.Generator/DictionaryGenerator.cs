using System.Text;

namespace Portico.Dicom.Generator;

/// <summary>Reads a pydicom installation and produces the generated sources of Portico.Dicom.</summary>
internal static class DictionaryGenerator
{
    /// <summary>UTF-8 without a byte order mark.</summary>
    public static readonly Encoding Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public static IReadOnlyList<GeneratedFile> Generate(string pydicomDirectory)
    {
        PydicomSource source = PydicomReader.Read(pydicomDirectory);
        return
        [
            new(Path.Combine("Dictionary", "DicomTags.g.cs"), DictionaryEmitter.DicomTags(source)),
            new(Path.Combine("Dictionary", "DicomDictionary.g.cs"), DictionaryEmitter.DicomDictionary(source)),
            new(Path.Combine("Dictionary", "PrivateDictionary.g.cs"), DictionaryEmitter.PrivateDictionary(source)),
            new(Path.Combine("Uids", "DicomUids.g.cs"), DictionaryEmitter.DicomUids(source)),
        ];
    }

    /// <summary>Generates into <paramref name="outputDirectory"/> and returns the full paths written.</summary>
    public static IReadOnlyList<string> Run(string pydicomDirectory, string outputDirectory)
    {
        var written = new List<string>();
        foreach (GeneratedFile file in Generate(pydicomDirectory))
        {
            string path = Path.GetFullPath(Path.Combine(outputDirectory, file.RelativePath));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Content, Encoding);
            written.Add(path);
        }

        return written;
    }

    /// <summary>The generated files whose content differs from what is in <paramref name="outputDirectory"/>.</summary>
    public static IReadOnlyList<string> Check(string pydicomDirectory, string outputDirectory)
    {
        var stale = new List<string>();
        foreach (GeneratedFile file in Generate(pydicomDirectory))
        {
            string path = Path.GetFullPath(Path.Combine(outputDirectory, file.RelativePath));
            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(Encoding.GetBytes(file.Content)))
            {
                stale.Add(path);
            }
        }

        return stale;
    }
}
