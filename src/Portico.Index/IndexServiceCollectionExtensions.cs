using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Portico.Index;

public static class IndexServiceCollectionExtensions
{
    /// <summary>
    /// Registers the index: <see cref="DatabaseOptions"/> (validated at start), a pooled
    /// <see cref="IDbContextFactory{PorticoDbContext}"/> for background work, a scoped <see cref="PorticoDbContext"/>
    /// for requests, and with SQLite the upkeep of the planner statistics (<see cref="SqlitePlannerStatistics"/>, a
    /// hosted service). The host references both migration projects
    /// (Portico.Index.Sqlite, Portico.Index.Postgres) and calls <see cref="IndexMigrations.MigrateAsync"/> at start.
    /// </summary>
    public static IServiceCollection AddPorticoIndex(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.SectionName))
            .PostConfigure(options => options.ConnectionString = ResolveConnectionString(options, configuration))
            .Validate(options => Enum.IsDefined(options.Provider), "Portico:Database:Provider must be Sqlite or PostgreSql.")
            .Validate(
                options => !string.IsNullOrWhiteSpace(options.ConnectionString),
                "ConnectionStrings:Portico is required when Portico:Database:Provider is PostgreSql.")
            .ValidateOnStart();

        services.AddPooledDbContextFactory<PorticoDbContext>((provider, builder) =>
        {
            DatabaseOptions options = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            builder.UsePorticoDatabase(options.Provider, options.ConnectionString);
        });
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<PorticoDbContext>>().CreateDbContext());
        services.AddSingleton<Studies.StoredInstanceLookup>();
        services.AddSingleton<Studies.SqliteIngestWriter>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<SqlitePlannerStatistics>();
        return services;
    }

    private static string ResolveConnectionString(DatabaseOptions options, IConfiguration configuration)
    {
        string? configured = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        if (options.Provider != DatabaseProvider.Sqlite)
        {
            return "";
        }

        string dataDirectory = configuration[DatabaseOptions.DataDirectoryKey] is { Length: > 0 } directory
            ? directory
            : DatabaseOptions.DefaultDataDirectory;
        return $"Data Source={Path.GetFullPath(Path.Combine(dataDirectory, "portico.db"))}";
    }
}
