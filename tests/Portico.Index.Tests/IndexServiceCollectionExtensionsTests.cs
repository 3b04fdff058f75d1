using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Portico.Index.Tests;

public sealed class IndexServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "portico-index-tests", Guid.NewGuid().ToString("N"), "data");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        string root = Path.GetDirectoryName(_dataDirectory)!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task AddPorticoIndex_NothingConfigured_UsesSqliteInTheDataDirectory()
    {
        using ServiceProvider services = Build(new() { ["Portico:DataDirectory"] = _dataDirectory });
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();

        await db.Database.MigrateAsync(Ct);

        Assert.Equal("Microsoft.EntityFrameworkCore.Sqlite", db.Database.ProviderName);
        Assert.Equal($"Data Source={Path.Combine(_dataDirectory, "portico.db")}", db.Database.GetConnectionString());
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "portico.db")));
        Assert.Contains(db.Database.GetAppliedMigrations(), m => m.EndsWith("_Initial", StringComparison.Ordinal));
        Assert.Equal(DatabaseProvider.Sqlite, services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider);
    }

    [Fact]
    public async Task AddPorticoIndex_Sqlite_OpensConnectionsWithTheIndexPragmas()
    {
        using ServiceProvider services = Build(new() { ["Portico:DataDirectory"] = _dataDirectory });
        await using PorticoDbContext db = await services.GetRequiredService<IDbContextFactory<PorticoDbContext>>().CreateDbContextAsync(Ct);
        await db.Database.OpenConnectionAsync(Ct);
        DbConnection connection = db.Database.GetDbConnection();

        Assert.Equal("wal", await PragmaAsync(connection, "journal_mode"));
        Assert.Equal("2", await PragmaAsync(connection, "synchronous")); // FULL
        Assert.Equal("1", await PragmaAsync(connection, "foreign_keys"));
        Assert.Equal("10000", await PragmaAsync(connection, "busy_timeout"));
        Assert.Equal("0", await PragmaAsync(connection, "'abc' LIKE 'ABC'", select: true)); // case_sensitive_like
        Assert.Equal("2147418112", await PragmaAsync(connection, "mmap_size"));
        Assert.Equal("2", await PragmaAsync(connection, "temp_store")); // MEMORY
    }

    [Fact]
    public void AddPorticoIndex_PostgreSql_UsesNpgsqlAndThePostgresMigrations()
    {
        using ServiceProvider services = Build(new()
        {
            ["Portico:Database:Provider"] = "PostgreSql",
            ["ConnectionStrings:Portico"] = "Host=127.0.0.1;Database=portico;Username=portico",
        });
        using IServiceScope scope = services.CreateScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();

        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        Assert.Contains(db.Database.GetMigrations(), m => m.EndsWith("_Initial", StringComparison.Ordinal));
        Assert.Equal(
            typeof(Postgres.PostgresDesignTimeDbContextFactory).Assembly,
            db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly>().Assembly);
    }

    [Fact]
    public void AddPorticoIndex_PostgreSqlWithoutConnectionString_FailsValidationNamingTheKey()
    {
        using ServiceProvider services = Build(new() { ["Portico:Database:Provider"] = "postgresql" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DatabaseOptions>>().Value);
        Assert.Contains("ConnectionStrings:Portico", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddPorticoIndex(configuration).BuildServiceProvider();
    }

    private static async Task<string> PragmaAsync(DbConnection connection, string pragma, bool select = false)
    {
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = select ? $"SELECT {pragma}" : $"PRAGMA {pragma}";
        return Convert.ToString(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
