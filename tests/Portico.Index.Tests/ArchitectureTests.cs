using Xunit;

namespace Portico.Index.Tests;

/// <summary>The index knows no ingest, web or blob store (STYLE.md dependency direction).</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void PorticoIndex_References_OnlyTheDicomLibrary()
    {
        string[] portico = typeof(PorticoDbContext).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => name.StartsWith("Portico", StringComparison.Ordinal))
            .ToArray();

        Assert.Equal(["Portico.Dicom"], portico);
    }

    [Theory]
    [InlineData(typeof(Sqlite.SqliteDesignTimeDbContextFactory))]
    [InlineData(typeof(Postgres.PostgresDesignTimeDbContextFactory))]
    public void MigrationProjects_Reference_OnlyPorticoIndex(Type factory)
    {
        string[] portico = factory.Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => name.StartsWith("Portico", StringComparison.Ordinal))
            .ToArray();

        Assert.Equal(["Portico.Index"], portico);
    }
}
