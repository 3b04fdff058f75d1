using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portico.Index.Access;

namespace Portico.Web.Features.Users;

public static class UsersServiceCollectionExtensions
{
    /// <summary>How long an invitation link (a password-reset token) works.</summary>
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    /// <summary>
    /// Users and roles administration, the security settings, and the session rules that go with them: the session
    /// cookie lasts the inactivity timeout (sliding), and every minute it is checked against the account's security
    /// stamp, so a disabled account or changed roles end the session.
    /// </summary>
    public static IServiceCollection AddPorticoUsers(this IServiceCollection services)
    {
        services.AddScoped<UserAdministration>();
        services.AddScoped<CircuitUserAdministration>();
        services.AddSingleton<SecuritySettingsStore>();
        services.AddScoped<ISecurityStampValidator, SecurityStampValidator<PorticoUser>>();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = InvitationLifetime);

        // Invitation links and session cookies are protected with keys that must survive a restart: kept in the data
        // directory (next to the SQLite index by default), encrypted with the operator's certificate when one is named.
        services.AddSingleton<KeyProtectionCertificate>();
        services.AddOptions<KeyManagementOptions>().Configure<IConfiguration, ILoggerFactory, KeyProtectionCertificate>((o, configuration, loggers, protection) =>
        {
            string data = configuration["Portico:DataDirectory"] is { Length: > 0 } d ? d : "data";
            o.XmlRepository ??= new FileSystemXmlRepository(new DirectoryInfo(Path.GetFullPath(Path.Combine(data, "keys"))), loggers);
            if (protection.Certificate is not null)
            {
                o.XmlEncryptor ??= new KeyProtectionCertificate.Encryptor(protection, loggers);
            }
        }).ValidateOnStart(); // a certificate that cannot be read stops the start, not the first sign-in

        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .PostConfigure<SecuritySettingsStore>((o, settings) =>
            {
                Func<CookieSigningInContext, Task> signingIn = o.Events.OnSigningIn;
                o.Events.OnSigningIn = async context =>
                {
                    await signingIn(context);
                    TimeSpan timeout = TimeSpan.FromMinutes(await settings.InactivityTimeoutMinutesAsync(context.HttpContext.RequestAborted));
                    DateTimeOffset issued = context.Properties.IssuedUtc ?? TimeProvider.System.GetUtcNow();
                    context.Properties.IssuedUtc = issued;
                    context.Properties.ExpiresUtc = issued + timeout;
                };
                Func<CookieValidatePrincipalContext, Task> validate = o.Events.OnValidatePrincipal;
                o.Events.OnValidatePrincipal = async context =>
                {
                    await validate(context);
                    await SecurityStampValidator.ValidatePrincipalAsync(context);
                    if (context.Principal is null)
                    {
                        return;
                    }

                    // A changed timeout applies to open sessions from their next request.
                    TimeSpan timeout = TimeSpan.FromMinutes(await settings.InactivityTimeoutMinutesAsync(context.HttpContext.RequestAborted));
                    if (context.Properties.IssuedUtc is { } issued && context.Properties.ExpiresUtc is { } expires && expires - issued != timeout)
                    {
                        DateTimeOffset now = TimeProvider.System.GetUtcNow();
                        context.Properties.IssuedUtc = now;
                        context.Properties.ExpiresUtc = now + timeout;
                        context.ShouldRenew = true;
                    }
                };
            });
        return services;
    }
}
