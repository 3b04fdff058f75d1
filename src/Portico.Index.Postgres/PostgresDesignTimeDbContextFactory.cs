using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portico.Index.Postgres;

/// <summary>
/// Lets <c>dotnet ef</c> build the model for PostgreSQL (migrations, <c>has-pending-model-changes</c>). No server is
/// contacted unless a command needs one; then set <c>PORTICO_DESIGN_POSTGRES</c> to its connection string.
/// </summary>
public sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PorticoDbContext>
{
    public PorticoDbContext CreateDbContext(string[] args)
    {
        string connectionString = Environment.GetEnvironmentVariable("PORTICO_DESIGN_POSTGRES")
            ?? "Host=127.0.0.1;Database=portico_design;Username=portico";
        var builder = new DbContextOptionsBuilder<PorticoDbContext>();
        builder.UsePorticoPostgreSql(connectionString);
        return new PorticoDbContext(builder.Options);
    }
}
