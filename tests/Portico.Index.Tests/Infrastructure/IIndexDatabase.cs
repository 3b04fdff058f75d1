using System.Data.Common;

namespace Portico.Index.Tests.Infrastructure;

/// <summary>
/// A migrated database for one test class. The suite is written once against this and run against each provider
/// (<see cref="SqliteTestDatabase"/>, <see cref="PostgresTestDatabase"/>).
/// </summary>
public interface IIndexDatabase
{
    DatabaseProvider Provider { get; }

    /// <summary>The migrated database's connection string.</summary>
    string ConnectionString { get; }

    PorticoDbContext CreateContext();

    /// <summary>The query plan of <paramref name="command"/> as text (one line per plan node).</summary>
    Task<string> ExplainAsync(DbCommand command, CancellationToken cancellationToken);

    /// <summary>What a plan contains when the database sorts rows itself instead of reading them in index order.</summary>
    string SortStepMarker { get; }
}
