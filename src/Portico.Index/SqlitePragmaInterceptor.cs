using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portico.Index;

/// <summary>
/// Sets the SQLite pragmas on every connection the index opens.
/// <list type="bullet">
/// <item><c>journal_mode=WAL</c>: readers (the Study List) never block the writer (ingest), and the writer never
/// blocks them.</item>
/// <item><c>synchronous=FULL</c>: in WAL mode this syncs the WAL at every commit, so a committed index row survives
/// a power cut. With NORMAL a commit survives a process crash but not a power loss: the last transactions may roll
/// back after the sender was told "stored", leaving the blob an orphan that the start-up sweep deletes. That breaks
/// "nothing is lost", so the index pays one fsync per commit, like the blob store (batch instances per transaction
/// to amortize it).</item>
/// <item><c>foreign_keys=ON</c>: SQLite enforces foreign keys only when asked, per connection.</item>
/// <item><c>busy_timeout</c>: a writer waits for the lock instead of failing at once with SQLITE_BUSY.</item>
/// <item><c>case_sensitive_like=ON</c>: LIKE compares case-sensitively, as in PostgreSQL, so both providers give the
/// same answers; and a prefix pattern on an upper-cased search column (<c>DOE%</c> on <c>PatientNameSearch</c>) can
/// then use the column's index. Case-insensitive searches upper-case both sides instead.</item>
/// <item><c>mmap_size</c>: reads go through a memory map of the database file (up to 2 GiB, the bundled SQLite's
/// maximum) instead of a <c>read()</c> call per page into each connection's own 2 MB page cache. The Study List
/// visits thousands of scattered rows per query (a sort by patient name, a label or name search); on a
/// 100,000-study index this made those queries two to four times faster. The pages are the operating system's cache,
/// shared by all connections. Writes, and their fsync, go through the normal path, so durability is unchanged; the
/// cost is that an I/O error while reading the file ends the process (SIGBUS) instead of failing one query, which
/// for a local disk that fails under the index is no worse.</item>
/// <item><c>temp_store=MEMORY</c>: statement journals and temporary b-trees stay in memory. By default SQLite spills a
/// statement journal past 64 KiB to a file in <c>/var/tmp</c>: the index committer's batched statements did so for
/// about one C-STORE in ten, five writes per instance on average to a file that is deleted as soon as the statement
/// ends. They are bounded by the batch (128 instances), so the memory is small.</item>
/// </list>
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    internal const string Pragmas =
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA case_sensitive_like = ON; " +
        "PRAGMA mmap_size = 2147418112; PRAGMA temp_store = MEMORY;";

    public static SqlitePragmaInterceptor Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using DbCommand command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        DbCommand command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
