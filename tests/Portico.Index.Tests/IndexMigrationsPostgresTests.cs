using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests;

/// <summary>
/// <see cref="IndexMigrations.MigrateAsync"/> on a PostgreSQL server: a missing database is created under its exact
/// name (upper case, spaces and double quotes included), then migrated; a second run creates nothing.
/// </summary>
public sealed class IndexMigrationsPostgresTests
{
    [Fact]
    public async Task MigrateAsync_DatabaseMissing_CreatesItOnceUnderItsExactName()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string server = Server();
        string name = $"Portico \"Odd\" {Guid.NewGuid():N}";
        string connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var options = new DbContextOptionsBuilder<PorticoDbContext>();
        options.UsePorticoPostgreSql(connectionString);
        try
        {
            bool first;
            bool second;
            await using (var db = new PorticoDbContext(options.Options))
            {
                first = await IndexMigrations.MigrateAsync(db.Database, ct);
                second = await IndexMigrations.MigrateAsync(db.Database, ct);
                Assert.Empty(await db.Database.GetPendingMigrationsAsync(ct));
                Assert.Equal(0, await db.Studies.CountAsync(ct));
            }

            Assert.True(first);
            Assert.False(second);
            Assert.Equal(1L, await OnServerAsync(server, "SELECT count(*) FROM pg_database WHERE datname = @name", name, ct));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await OnServerAsync(server, $"DROP DATABASE IF EXISTS {IndexMigrations.QuoteIdentifier(name)} WITH (FORCE)", name, ct);
        }
    }

    [Fact]
    public async Task MigrateAsync_DatabaseMissingAndUserMayNotCreateOne_SaysWhatToDo()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string server = Server();
        string user = $"portico_nocreate_{Guid.NewGuid():N}";
        string name = $"portico_missing_{Guid.NewGuid():N}";
        string password = Guid.NewGuid().ToString("N");
        await OnServerAsync(server, $"CREATE ROLE {user} LOGIN NOCREATEDB PASSWORD '{password}'", name, ct);
        try
        {
            var options = new DbContextOptionsBuilder<PorticoDbContext>();
            options.UsePorticoPostgreSql(new NpgsqlConnectionStringBuilder(server) { Database = name, Username = user, Password = password }.ConnectionString);
            await using var db = new PorticoDbContext(options.Options);

            InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() => IndexMigrations.MigrateAsync(db.Database, ct));

            Assert.Contains($"The PostgreSQL database \"{name}\" does not exist, and Portico could not create it (permission denied to create database).", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"owned by the user \"{user}\", or give that user the CREATEDB right", refused.Message, StringComparison.Ordinal);
            Assert.Equal(0L, await OnServerAsync(server, "SELECT count(*) FROM pg_database WHERE datname = @name", name, ct));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await OnServerAsync(server, $"DROP ROLE IF EXISTS {user}", name, ct);
        }
    }

    private static string Server() =>
        Environment.GetEnvironmentVariable(PostgresTestDatabase.EnvironmentVariable)
        ?? throw new InvalidOperationException($"{PostgresTestDatabase.EnvironmentVariable} is not set: run scripts/test.sh.");

    private static async Task<object?> OnServerAsync(string server, string sql, string name, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync(ct);
    }
}
