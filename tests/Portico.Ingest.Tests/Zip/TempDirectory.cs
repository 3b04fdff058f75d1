namespace Portico.Ingest.Tests.Zip;

/// <summary>A directory of its own for one test, deleted with everything in it at the end.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "portico-zip-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        UnpackPath = System.IO.Path.Combine(Path, "unpack");
    }

    public string Path { get; }

    /// <summary>The walker's temporary directory (not created: the walker creates it).</summary>
    public string UnpackPath { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The files the walker left behind in <see cref="UnpackPath"/>.</summary>
    public string[] LeftoverFiles() =>
        Directory.Exists(UnpackPath) ? Directory.GetFiles(UnpackPath, "*", SearchOption.AllDirectories) : [];

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
