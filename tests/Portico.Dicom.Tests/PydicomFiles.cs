namespace Portico.Dicom.Tests;

/// <summary>pydicom's test files, installed by scripts/test.sh (Debian's python3-pydicom). Missing files fail the test.</summary>
internal static class PydicomFiles
{
    public const string TestFilesDirectory = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    public static string Path(string name)
    {
        string path = System.IO.Path.Combine(TestFilesDirectory, name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run scripts/test.sh, which installs python3-pydicom.");
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    /// <summary>The data set bytes of a Part 10 file: after preamble, "DICM" and the meta group (whose length (0002,0000) gives).</summary>
    public static byte[] DatasetBytes(string name, out bool explicitVR, out bool bigEndian)
    {
        byte[] bytes = Bytes(name);
        uint groupLength = BitConverter.ToUInt32(bytes, 132 + 8);
        int start = checked((int)(132 + 12 + groupLength));
        string ts = System.Text.Encoding.ASCII.GetString(bytes, 132, start - 132);
        explicitVR = !ts.Contains("1.2.840.10008.1.2\0", StringComparison.Ordinal) || ts.Contains("1.2.840.10008.1.2.", StringComparison.Ordinal);
        bigEndian = ts.Contains("1.2.840.10008.1.2.2", StringComparison.Ordinal);
        return bytes[start..];
    }
}
