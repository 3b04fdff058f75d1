using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portico.Index;

/// <summary>
/// Leaves NUL characters (U+0000) out of every text parameter of a command EF Core sends: a filter compares, and a
/// value is stored, as if the NUL were not there. PostgreSQL refuses text that holds one, so without this a Study List
/// filter or a device's name typed into a web page (which reaches the index through the Blazor circuit, past the HTTP
/// API's 400 for NULs) failed the page; SQLite would have stored it. Both providers get the same answers.
/// Parameters of the index committer's own commands (no EF Core) are already clean: the index leaves NULs out of DICOM
/// text when it reads it.
/// </summary>
internal sealed class NulCharacterInterceptor : DbCommandInterceptor
{
    public static NulCharacterInterceptor Instance { get; } = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Clean(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Clean(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Clean(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Clean(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Clean(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Clean(command);
        return ValueTask.FromResult(result);
    }

    private static void Clean(DbCommand command)
    {
        foreach (DbParameter parameter in command.Parameters)
        {
            // A list compared with Contains() goes to PostgreSQL as one array parameter; it is copied, not changed,
            // since it may be the caller's own list.
            switch (parameter.Value)
            {
                case string text when text.Contains('\0', StringComparison.Ordinal):
                    parameter.Value = Without(text);
                    break;
                case IEnumerable<string?> texts when texts.Any(t => t is not null && t.Contains('\0', StringComparison.Ordinal)):
                    parameter.Value = texts.Select(t => t is null ? null : Without(t)).ToArray();
                    break;
            }
        }
    }

    private static string Without(string text) => text.Replace("\0", "", StringComparison.Ordinal);
}
