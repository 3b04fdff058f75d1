using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Portico.Index;

/// <summary>
/// Configures <see cref="PorticoDbContext"/> for a provider, the same way for the server, the design-time
/// factories of the migration projects and the tests (EF "multiple providers": one model, one migrations
/// assembly per provider).
/// </summary>
public static class PorticoDbContextOptions
{
    public const string SqliteMigrationsAssembly = "Portico.Index.Sqlite";

    public const string PostgreSqlMigrationsAssembly = "Portico.Index.Postgres";

    public static DbContextOptionsBuilder UsePorticoDatabase(
        this DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString) =>
        provider switch
        {
            DatabaseProvider.Sqlite => builder.UsePorticoSqlite(connectionString),
            DatabaseProvider.PostgreSql => builder.UsePorticoPostgreSql(connectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };

    /// <summary>
    /// SQLite with the pragmas of <see cref="SqlitePragmaInterceptor"/>; creates the database's directory. Text
    /// parameters lose their NULs on both providers (<see cref="NulCharacterInterceptor"/>).
    /// </summary>
    public static DbContextOptionsBuilder UsePorticoSqlite(this DbContextOptionsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        EnsureSqliteDirectory(connectionString);
        return builder
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(SqliteMigrationsAssembly))
            .AddInterceptors(SqlitePragmaInterceptor.Instance, NulCharacterInterceptor.Instance);
    }

    public static DbContextOptionsBuilder UsePorticoPostgreSql(this DbContextOptionsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(PostgreSqlMigrationsAssembly))
            .AddInterceptors(NulCharacterInterceptor.Instance);
    }

    private static void EnsureSqliteDirectory(string connectionString)
    {
        var parsed = new SqliteConnectionStringBuilder(connectionString);
        if (parsed.Mode == SqliteOpenMode.Memory
            || string.IsNullOrEmpty(parsed.DataSource)
            || parsed.DataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase)
            || parsed.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(parsed.DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
