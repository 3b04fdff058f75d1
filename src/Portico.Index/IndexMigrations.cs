using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Portico.Index;

/// <summary>
/// Brings the index's schema up to date (the server's start, <c>portico admin rebuild-index</c>). On PostgreSQL it first
/// creates the database and the migrations history table when they are missing. EF Core's migrator would create both
/// too, but only after a failed connection and a failed query, which it logs as errors ("An error occurred using the
/// connection", "Failed executing DbCommand ... __EFMigrationsHistory"; npgsql/efcore.pg#3407): on a first start those
/// would be the only errors an administrator sees, and they are none.
/// </summary>
public static class IndexMigrations
{
    /// <summary>The database connected to for <c>CREATE DATABASE</c> (present in every cluster).</summary>
    private const string MaintenanceDatabase = "postgres";

    /// <summary>
    /// Applies the pending migrations; returns true when the PostgreSQL database itself had to be created. The
    /// migrations run under the migrator's own lock, so two servers starting at once stay safe.
    /// </summary>
    public static async Task<bool> MigrateAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        bool created = false;
        if (database.IsNpgsql())
        {
            created = await CreateIfMissingAsync(database.GetConnectionString()!, cancellationToken).ConfigureAwait(false);
            await database.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }

        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>
    /// Returns true when the database was created. A database that exists, or that another server created at the same
    /// moment, is left as it is. A server that is down or refuses the password fails the first connection, with its
    /// own message. A missing database that cannot be created (no right to create databases, or to connect to the
    /// <c>postgres</c> database) stops the start with a message that says what to do, the server's reason included.
    /// </summary>
    private static async Task<bool> CreateIfMissingAsync(string connectionString, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        // Without a Database keyword PostgreSQL connects to the database named like the user.
        string name = target.Database is { Length: > 0 } database ? database : target.Username ?? "";
        if (name.Length == 0 || await ExistsAsync(connectionString, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = MaintenanceDatabase, Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await using var command = new NpgsqlCommand("CREATE DATABASE " + QuoteIdentifier(name), connection);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            return false;
        }
        catch (PostgresException e)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database \"{name}\" does not exist, and Portico could not create it ({e.MessageText}). "
                + $"Create it, owned by the user \"{target.Username}\", or give that user the CREATEDB right.", e);
        }
    }

    /// <summary>"name" with its double quotes doubled: any database name, upper case and spaces included.</summary>
    public static string QuoteIdentifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static async Task<bool> ExistsAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Pooling off: this connection is the only one with these settings, and a pool would keep it open.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return false;
        }
    }
}
