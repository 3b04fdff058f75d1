using Microsoft.AspNetCore.Authentication;
using Portico.Ingest.Pipeline;

namespace Portico.Web.Features.UploadPortal;

public static class UploadPortalServiceCollectionExtensions
{
    /// <summary>
    /// Upload codes and the portal's settings; the per-address throttle of wrong codes; portal sessions with their own
    /// cookie scheme and policy, the intake policy for portal files, the background processing of finished sessions and the
    /// removal of abandoned ones.
    /// </summary>
    public static IServiceCollection AddPorticoUploadPortal(this IServiceCollection services)
    {
        services.AddScoped<UploadCodeService>();
        services.AddSingleton<RedeemThrottle>();
        services.AddScoped<PortalSessionService>();
        services.AddSingleton<PortalSessionLocks>();
        services.AddSingleton<IIngestPolicy, PortalIntakePolicy>();
        services.AddSingleton<PortalProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<PortalProcessor>());
        services.AddSingleton<AbandonedPortalSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<AbandonedPortalSessions>());
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, PortalAuthenticationHandler>(PortalAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(PortalAuthenticationHandler.Policy, p => p
            .AddAuthenticationSchemes(PortalAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(PortalAuthenticationHandler.SessionClaim));
        return services;
    }
}
