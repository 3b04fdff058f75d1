using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Portico.Web.Features.Health;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (index and blob store reachable).</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }
}

/// <summary>Ready when the index answers a query and the blob store's directories are writable.</summary>
public sealed class ReadinessCheck(Portico.Index.PorticoDbContext db, Portico.Storage.IBlobStore blobs, Portico.Ingest.Pipeline.IndexRecovery recovery) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!recovery.Completed.IsCompletedSuccessfully)
        {
            return HealthCheckResult.Unhealthy("The index is being recovered from the blob store.");
        }

        try
        {
            await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false);
            string probe = Path.Combine(blobs.TempDirectory, ".ready-" + Guid.NewGuid().ToString("N"));
            await File.WriteAllBytesAsync(probe, [], cancellationToken).ConfigureAwait(false);
            File.Delete(probe);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The index or the blob store is not available.", ex);
        }
    }
}
