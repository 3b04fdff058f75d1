namespace Portico.Web.Features.Scanning;

/// <summary>At start, gives quarantined files left without a row by a crash their row (<see cref="QuarantineService.RecoverAsync"/>).</summary>
public sealed partial class QuarantineRecovery(IServiceScopeFactory scopes, ILogger<QuarantineRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using AsyncServiceScope scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<QuarantineService>().RecoverAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(7106, LogLevel.Error, "The quarantine folder could not be checked for files without a row")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
