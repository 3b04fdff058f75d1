namespace Portico.Tests.Shared;

/// <summary>The checkout the tests run from: the folder holding Portico.slnx above the test binaries.</summary>
internal static class Repository
{
    public static string Root()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Portico.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("Portico.slnx not found above " + AppContext.BaseDirectory);
    }
}
