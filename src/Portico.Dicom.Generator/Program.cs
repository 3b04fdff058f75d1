namespace Portico.Dicom.Generator;

/// <summary>
/// portico-dicom-generator --pydicom-dir DIR --out DIR [--check]
/// Writes the dictionary sources of Portico.Dicom from the pydicom package in DIR; with --check,
/// writes nothing and exits 1 when a committed file differs from what would be generated.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: Portico.Dicom.Generator --pydicom-dir <pydicom package dir> --out <Portico.Dicom project dir> [--check]";

    private static int Main(string[] args)
    {
        string? pydicomDirectory = null;
        string? outputDirectory = null;
        bool check = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pydicom-dir" when i + 1 < args.Length:
                    pydicomDirectory = args[++i];
                    break;
                case "--out" when i + 1 < args.Length:
                    outputDirectory = args[++i];
                    break;
                case "--check":
                    check = true;
                    break;
                default:
                    Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (pydicomDirectory is null || outputDirectory is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        try
        {
            if (check)
            {
                IReadOnlyList<string> stale = DictionaryGenerator.Check(pydicomDirectory, outputDirectory);
                foreach (string path in stale)
                {
                    Console.Error.WriteLine($"out of date: {path}");
                }

                return stale.Count == 0 ? 0 : 1;
            }

            foreach (string path in DictionaryGenerator.Run(pydicomDirectory, outputDirectory))
            {
                Console.WriteLine($"wrote {path}");
            }

            return 0;
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }
}
