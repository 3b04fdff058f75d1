using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Portico.Index.Tests.Infrastructure;

/// <summary>A fresh SQLite file per test class, migrated once.</summary>
public sealed class SqliteTestDatabase : IIndexDatabase, IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "portico-index-tests", Guid.NewGuid().ToString("N"));
    private DbContextOptions<PorticoDbContext>? _options;

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string ConnectionString => $"Data Source={Path.Combine(_directory, "portico.db")}";

    public string SortStepMarker => "TEMP B-TREE";

    public async ValueTask InitializeAsync()
    {
        var builder = new DbContextOptionsBuilder<PorticoDbContext>();
        builder.UsePorticoSqlite(ConnectionString);
        _options = builder.Options;
        await using PorticoDbContext db = CreateContext();
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public PorticoDbContext CreateContext() =>
        new(_options ?? throw new InvalidOperationException("The database is not initialized."));

    public async Task<string> ExplainAsync(DbCommand command, CancellationToken cancellationToken)
    {
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        await command.Connection!.OpenAsync(cancellationToken);
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        var plan = new StringBuilder();
        while (await reader.ReadAsync(cancellationToken))
        {
            plan.AppendLine(reader.GetString(3));
        }

        return plan.ToString();
    }

    public ValueTask DisposeAsync()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
