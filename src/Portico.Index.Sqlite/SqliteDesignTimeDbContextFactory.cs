using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portico.Index.Sqlite;

/// <summary>
/// Lets <c>dotnet ef</c> build the model for SQLite (migrations, <c>has-pending-model-changes</c>). The database
/// file is only opened by commands that need one (<c>database update</c>), in the current directory.
/// </summary>
public sealed class SqliteDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PorticoDbContext>
{
    public PorticoDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PorticoDbContext>();
        builder.UsePorticoSqlite("Data Source=portico-design.db");
        return new PorticoDbContext(builder.Options);
    }
}
