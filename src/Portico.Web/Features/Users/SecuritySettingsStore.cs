using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Access;

namespace Portico.Web.Features.Users;

/// <summary>
/// The security settings (<see cref="SecuritySettings"/>), read once and kept in memory: the session cookie checks the
/// inactivity timeout on every request. Changed only through <see cref="SetInactivityTimeoutAsync"/> (audited).
/// </summary>
public sealed class SecuritySettingsStore(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock)
{
    /// <summary>
    /// Test-only: when set, the browser's inactivity timer uses this many seconds instead of the configured minutes, so a
    /// browser test can watch the sign-out happen. The server's session lifetime still follows the minutes.
    /// </summary>
    public const string BrowserOverrideKey = "Portico:Security:InactivityTimeoutOverrideSeconds";

    private int _minutes;

    public async ValueTask<int> InactivityTimeoutMinutesAsync(CancellationToken cancellationToken)
    {
        int minutes = Volatile.Read(ref _minutes);
        if (minutes > 0)
        {
            return minutes;
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        minutes = (await db.SecuritySettings.AsNoTracking().TheRow().FirstOrDefaultAsync(cancellationToken))?.InactivityTimeoutMinutes
            ?? SecuritySettings.DefaultInactivityTimeoutMinutes;
        Volatile.Write(ref _minutes, minutes);
        return minutes;
    }

    /// <summary>Seconds without activity after which the browser signs the user out.</summary>
    public async ValueTask<int> BrowserTimeoutSecondsAsync(CancellationToken cancellationToken) =>
        configuration.GetValue<int?>(BrowserOverrideKey) is > 0 and int seconds ? seconds : await InactivityTimeoutMinutesAsync(cancellationToken) * 60;

    public async Task<AdminOutcome> SetInactivityTimeoutAsync(ActingUser actor, int minutes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (minutes is < SecuritySettings.MinInactivityTimeoutMinutes or > SecuritySettings.MaxInactivityTimeoutMinutes)
        {
            return AdminOutcome.Invalid($"The inactivity timeout is from {SecuritySettings.MinInactivityTimeoutMinutes} to {SecuritySettings.MaxInactivityTimeoutMinutes} minutes.");
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        SecuritySettings? settings = await db.SecuritySettings.TheRow().FirstOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            settings = new SecuritySettings();
            db.SecuritySettings.Add(settings);
        }

        int before = settings.InactivityTimeoutMinutes;
        if (before != minutes)
        {
            settings.InactivityTimeoutMinutes = minutes;
            db.AuditEntries.Add(actor.Audit(clock, "Security.InactivityTimeoutChanged", "settings/security", JsonSerializer.Serialize(new { from = before, to = minutes })));
            await db.SaveChangesAsync(cancellationToken);
        }

        Volatile.Write(ref _minutes, minutes);
        return AdminOutcome.Done;
    }
}
