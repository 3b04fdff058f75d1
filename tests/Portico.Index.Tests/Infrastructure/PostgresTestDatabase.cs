using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace Portico.Index.Tests.Infrastructure;

/// <summary>
/// A fresh database per test class on the PostgreSQL server named by <c>PORTICO_TEST_POSTGRES</c>, migrated once
/// and dropped at the end. Without the variable every test of the class fails (it never skips).
/// </summary>
public sealed class PostgresTestDatabase : IIndexDatabase, IAsyncLifetime
{
    public const string EnvironmentVariable = "PORTICO_TEST_POSTGRES";

    private readonly string _databaseName = $"portico_test_{Guid.NewGuid():N}";
    private string? _serverConnectionString;
    private string? _connectionString;
    private DbContextOptions<PorticoDbContext>? _options;

    public DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database is not initialized.");

    public string SortStepMarker => "Sort";

    public async ValueTask InitializeAsync()
    {
        _serverConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(_serverConnectionString))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set, so the PostgreSQL index tests cannot run. Run scripts/test.sh, "
                + $"or start a server with: export {EnvironmentVariable}=\"$(scripts/start-postgres.sh)\"");
        }

        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        await ExecuteOnServerAsync($"CREATE DATABASE \"{_databaseName}\"", cancellationToken);

        var builder = new DbContextOptionsBuilder<PorticoDbContext>();
        _connectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = _databaseName }.ConnectionString;
        builder.UsePorticoPostgreSql(_connectionString);
        _options = builder.Options;
        await using PorticoDbContext db = CreateContext();
        await db.Database.MigrateAsync(cancellationToken);
    }

    public PorticoDbContext CreateContext() =>
        new(_options ?? throw new InvalidOperationException("The database is not initialized."));

    public async Task<string> ExplainAsync(DbCommand command, CancellationToken cancellationToken)
    {
        // Sorting is made prohibitively expensive, so the plan sorts only if no index can give the order.
        var connection = (NpgsqlConnection)command.Connection!;
        await connection.OpenAsync(cancellationToken);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var settings = new NpgsqlCommand("SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off", connection, transaction))
        {
            await settings.ExecuteNonQueryAsync(cancellationToken);
        }

        command.Transaction = transaction;
        command.CommandText = "EXPLAIN " + command.CommandText;
        var plan = new StringBuilder();
        await using (DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                plan.AppendLine(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync(cancellationToken);
        return plan.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_connectionString is not null)
        {
            await using (var connection = new NpgsqlConnection(_connectionString))
            {
                NpgsqlConnection.ClearPool(connection);
            }

            await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", CancellationToken.None);
        }
    }

    private async Task ExecuteOnServerAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
