using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Options;

namespace Portico.Index.Studies;

/// <summary>
/// The SHA-256 of the instance stored under a SOP Instance UID, or null: the one index read every C-STORE and upload
/// waits for before it is answered. With SQLite it runs on a few long-lived connections, each with its statement
/// prepared once: a point look-up on the unique index then costs tens of microseconds, where a scoped
/// <see cref="PorticoDbContext"/> (renting it, opening a pooled connection and running its pragmas, the query pipeline)
/// cost several times that on every instance. PostgreSQL uses a pooled context and a compiled query.
/// </summary>
public sealed class StoredInstanceLookup(IOptions<DatabaseOptions> options, IDbContextFactory<PorticoDbContext> contexts) : IDisposable
{
    // Not static: a compiled query is bound to one model, and a process may host servers on both providers (the tests do).
    private readonly Func<PorticoDbContext, string, Task<string?>> _byUid = EF.CompileAsyncQuery(
        (PorticoDbContext db, string uid) => db.Instances.Where(i => i.SopInstanceUid == uid).Select(i => i.Sha256).FirstOrDefault());

    private readonly ConcurrentBag<SqliteStatement> _idle = [];
    private string? _sql;
    private bool _disposed;

    /// <summary>The stored instance's SHA-256 (lower-case hex), or null when no instance has this UID.</summary>
    public async Task<string?> FindSha256Async(string sopInstanceUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sopInstanceUid);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (options.Value.Provider != DatabaseProvider.Sqlite)
        {
            await using PorticoDbContext db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            return await _byUid(db, sopInstanceUid).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        SqliteStatement statement = _idle.TryTake(out SqliteStatement? idle) ? idle : Open();
        try
        {
            string? sha = statement.Run(sopInstanceUid);
            if (_disposed)
            {
                statement.Dispose();
            }
            else
            {
                _idle.Add(statement);
            }

            return sha;
        }
        catch
        {
            statement.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out SqliteStatement? statement))
        {
            statement.Dispose();
        }
    }

    private SqliteStatement Open()
    {
        // Table and column names from the model, so a renamed column cannot silently break the look-up.
        _sql ??= BuildSql();
        var builder = new SqliteConnectionStringBuilder(options.Value.ConnectionString) { Pooling = false };
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            using (SqliteCommand pragmas = connection.CreateCommand())
            {
                // A reader in WAL mode never waits for the writer; the timeout covers a checkpoint's brief lock.
                pragmas.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA mmap_size = 2147418112;";
                pragmas.ExecuteNonQuery();
            }

            SqliteCommand command = connection.CreateCommand();
            command.CommandText = _sql;
            SqliteParameter uid = command.Parameters.Add("$uid", SqliteType.Text);
            command.Prepare();
            return new SqliteStatement(connection, command, uid);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private string BuildSql()
    {
        using PorticoDbContext db = contexts.CreateDbContext();
        IEntityType instance = db.Model.FindEntityType(typeof(Instance))!;
        StoreObjectIdentifier table = StoreObjectIdentifier.Table(instance.GetTableName()!, instance.GetSchema());
        string uidColumn = instance.FindProperty(nameof(Instance.SopInstanceUid))!.GetColumnName(table)!;
        string shaColumn = instance.FindProperty(nameof(Instance.Sha256))!.GetColumnName(table)!;
        return $"SELECT \"{shaColumn}\" FROM \"{table.Name}\" WHERE \"{uidColumn}\" = $uid LIMIT 1";
    }

    private sealed class SqliteStatement(SqliteConnection connection, SqliteCommand command, SqliteParameter uid) : IDisposable
    {
        public string? Run(string sopInstanceUid)
        {
            uid.Value = sopInstanceUid;
            return command.ExecuteScalar() as string;
        }

        public void Dispose()
        {
            command.Dispose();
            connection.Dispose();
        }
    }
}
