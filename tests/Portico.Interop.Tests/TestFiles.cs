namespace Portico.Interop.Tests;

/// <summary>Third-party test files installed by scripts/test.sh (Debian's python3-pydicom) and the repository's own.</summary>
internal static class TestFiles
{
    public const string PydicomData = "/usr/lib/python3/dist-packages/pydicom/data";

    public static string PydicomTestFiles => Require(Path.Combine(PydicomData, "test_files"));

    public static string PydicomCharsetFiles => Require(Path.Combine(PydicomData, "charset_files"));

    /// <summary>Every file of pydicom's test_files and charset_files, relative to <see cref="PydicomData"/>.</summary>
    public static IEnumerable<string> AllPydicomFiles()
    {
        foreach (string dir in new[] { PydicomTestFiles, PydicomCharsetFiles })
        {
            foreach (string file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (file.Contains("__pycache__", StringComparison.Ordinal) || file.EndsWith(".py", StringComparison.Ordinal))
                {
                    continue;
                }

                yield return Path.GetRelativePath(PydicomData, file);
            }
        }
    }

    public static string Full(string relative) => Path.Combine(PydicomData, relative);

    public static string NewTempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Require(string dir) =>
        Directory.Exists(dir) ? dir : throw new InvalidOperationException($"{dir} is missing. Run scripts/test.sh, which installs python3-pydicom's test files.");
}
