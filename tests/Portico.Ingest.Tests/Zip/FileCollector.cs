using Xunit;
namespace Portico.Ingest.Tests.Zip;

/// <summary>The walker's callback for tests: records each file handed over, with its content, while it still exists.</summary>
internal sealed class FileCollector
{
    private readonly bool _keepContent;

    public FileCollector(bool keepContent = true) => _keepContent = keepContent;

    public List<string> Names { get; } = [];

    public Dictionary<string, byte[]> Contents { get; } = [];

    public List<string> TempPaths { get; } = [];

    public ValueTask OnFileAsync(string name, string tempPath, CancellationToken cancellationToken)
    {
        Assert.True(File.Exists(tempPath), $"The temporary file of {name} does not exist during the callback.");
        Names.Add(name);
        TempPaths.Add(tempPath);
        if (_keepContent)
        {
            Contents[name] = File.ReadAllBytes(tempPath);
        }

        return ValueTask.CompletedTask;
    }
}
