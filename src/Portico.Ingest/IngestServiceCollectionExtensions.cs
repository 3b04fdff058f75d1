using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portico.Ingest.Pipeline;
using Portico.Ingest.Zip;

namespace Portico.Ingest;

public static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// The ingest pipeline, its group committer (a hosted service), start-up recovery (a hosted service), index
    /// maintenance, events and ZIP extraction.
    /// </summary>
    public static IServiceCollection AddPorticoIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection(IngestOptions.Section))
            .Validate(o => o.MaxFileBytes > 0 && o.MaxCommitBatch > 0 && o.CommitWindow >= TimeSpan.Zero, "Portico:Ingest limits must be positive.")
            .ValidateOnStart();
        services.AddOptions<ZipLimits>().Bind(configuration.GetSection(IngestOptions.Section + ":Zip"));
        services.AddSingleton<IngestEvents>();
        services.AddSingleton<IndexCommitter>();
        services.AddHostedService(sp => sp.GetRequiredService<IndexCommitter>());
        services.AddSingleton<IndexMaintenance>();
        services.AddSingleton<IndexRecovery>();
        services.AddHostedService(sp => sp.GetRequiredService<IndexRecovery>());
        services.AddSingleton<IngestPipeline>();
        services.AddSingleton<ZipWalker>();
        return services;
    }
}
