namespace Portico.Web.Features.UploadPortal;

public static class UploadPortalServiceCollectionExtensions
{
    /// <summary>Upload codes and the portal's settings; the per-address throttle of wrong codes.</summary>
    public static IServiceCollection AddPorticoUploadPortal(this IServiceCollection services)
    {
        services.AddScoped<UploadCodeService>();
        services.AddSingleton<RedeemThrottle>();
        return services;
    }
}
