using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portico.Index;
using Portico.Index.Access;
using Portico.Ingest.Pipeline;
using Portico.Web.Features.Agents;
using Portico.Web.Features.Audit;
using Portico.Web.Features.Auth;
using Portico.Web.Features.Dicom;
using Portico.Web.Features.DicomNetwork;
using Portico.Web.Features.DicomWeb;
using Portico.Web.Features.Health;
using Portico.Web.Features.Instances;
using Portico.Web.Features.Scanning;
using Portico.Web.Features.StressTests;
using Portico.Web.Features.Studies;
using Portico.Web.Features.Transfers;
using Portico.Web.Features.UploadPortal;
using Portico.Web.Features.Uploads;
using Portico.Web.Features.Users;
using Portico.Web.Security;
using Scalar.AspNetCore;

namespace Portico.Web.Hosting;

/// <summary>The composition root's pieces, so Program.cs stays short.</summary>
public static class WebHostingExtensions
{
    /// <summary>Defaults so a bare <c>dotnet run</c> works: http://localhost:8080, data under ./data.</summary>
    public static WebApplicationBuilder AddPorticoDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) && string.IsNullOrEmpty(builder.Configuration["Kestrel:Endpoints:Http:Url"]))
        {
            builder.WebHost.UseUrls("http://localhost:8080");
        }

        // Uploads are streamed and limited per file by the pipeline (2 GB) and per archive by ZipLimits.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 30L * 1024 * 1024);
        // Receive straight into a buffer instead of a zero-byte read first: half the receive calls for uploads, for a
        // block held per idle connection. Blocks of 64 KiB rather than 4 KiB: a sixteenth of the receive calls.
        builder.WebHost.UseSockets(o => o.WaitForDataBeforeAllocatingBuffer = false);
        // Kestrel takes the last pool factory registered: a host that adds Kestrel again after this (a test's
        // WebApplicationFactory.UseKestrel) runs on Kestrel's own pool.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, SocketBufferPoolFactory>();
        // The web app's files (wwwroot, scoped CSS, Blazor's script) also when run from the build output in Production.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddOptions<PorticoOptions>().Bind(builder.Configuration.GetSection(PorticoOptions.Section)).ValidateOnStart();
        return builder;
    }

    public static IServiceCollection AddPorticoWeb(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.Converters.Add(new TypedIdJsonConverterFactory());
            o.SerializerOptions.Converters.Add(new NulCharacters.JsonConverter());
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddOpenApi("v1");
        services.AddHealthChecks().AddCheck<ReadinessCheck>("index-and-store", tags: ["ready"]);

        services.AddIdentityCore<PorticoUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // Length over composition rules (NIST SP 800-63B): at least 12 characters, any characters.
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<PorticoRole>()
            .AddEntityFrameworkStores<PorticoDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PermissionClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();

        services.AddAuthentication(PermissionPolicyProvider.Schemes)
            .AddPolicyScheme(PermissionPolicyProvider.Schemes, "Cookie or API key", o =>
                o.ForwardDefaultSelector = context => context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = "portico";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                o.LoginPath = "/account/sign-in";
                o.AccessDeniedPath = "/";
                // An API answers 401/403, never a redirect to a sign-in page; the web app's pages redirect.
                o.Events.OnRedirectToLogin = c => RedirectOrStatus(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => RedirectOrStatus(c, StatusCodes.Status403Forbidden);
            })
            .AddCookie(IdentityConstants.TwoFactorUserIdScheme, o =>
            {
                o.Cookie.Name = "portico.2fa";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddCookie(IdentityConstants.TwoFactorRememberMeScheme, o => o.Cookie.Name = "portico.2fa-remember");
        services.AddSingleton<IAuthorizationPolicyProvider, PermissionPolicyProvider>();
        services.AddAuthorization();
        services.AddScoped<PasswordSignIn>();

        // The web app: Blazor with server interactivity; the sign-in state of an open page is rechecked every minute.
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddScoped<AuthenticationStateProvider, RevalidatingUserStateProvider>();
        services.AddScoped<CircuitActor>();
        services.AddScoped<CircuitHandler, CircuitActor.Handler>();

        services.AddScoped<UploadReceiver>();
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section)
            .PostConfigure<IConfiguration>((o, configuration) =>
            {
                if (string.IsNullOrWhiteSpace(o.Directory))
                {
                    string data = configuration["Portico:DataDirectory"] is { Length: > 0 } d ? d : "data";
                    o.Directory = Path.GetFullPath(Path.Combine(data, "uploads"));
                }
            })
            .Validate(o => o.MaxFileBytes > 0 && o.Expiration > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero && o.MinFreeBytes >= 0, "Portico:Uploads limits must be positive.")
            .ValidateOnStart();
        services.AddSingleton<UploadStore>();
        services.AddSingleton<UploadProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<UploadProcessor>());
        services.AddScoped<Bootstrapper>();
        services.AddPorticoDicomIdentities();
        services.AddPorticoDicomNetwork();
        services.AddPorticoScanning();
        services.AddPorticoUploadPortal();
        services.AddPorticoUsers();
        services.AddStudies();
        services.AddStressTests();
        return services;
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // Script calls (the API, the inactivity timer's keep-alive under /api/auth) get the status; a page gets the sign-in page.
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    /// <summary>Migrates the index, sweeps the blob store, creates first-start accounts.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using (AsyncServiceScope scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Bootstrapper>().RunAsync(app.Lifetime.ApplicationStopping);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            string email = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PorticoOptions>>().Value.Bootstrap.AdminEmail;
            foreach (string url in app.Urls)
            {
                Console.WriteLine($"Portico is running at {url}/ : sign in as {email}; API reference at {url}/api/reference");
            }
        });
    }

    private static bool IsUpload(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) && request.Path.Equals("/api/instances", StringComparison.OrdinalIgnoreCase))
        || request.Path.StartsWithSegments("/api/uploads", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/api/portal/uploads", StringComparison.OrdinalIgnoreCase)
        || DicomWebApi.IsStore(request);

    public static WebApplication UsePorticoWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseNulCharacterGuard();
        // A page address that does not exist shows the app's own "Not found" page; the API keeps problem details.
        app.UseWhen(
            c => !c.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(c.Request.Method),
            b => b.UseStatusCodePagesWithReExecute("/not-found"));
        app.UseUploadMethodOverride();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        // Read-your-writes: a request (API or page) made after a C-STORE or an upload was answered sees that instance's index
        // row (rows answered before their commit are committed first; usually none wait). Uploads never wait for it.
        app.UseWhen(
            c => !IsUpload(c.Request),
            b => b.Use(async (context, next) =>
            {
                IndexCommitter committer = context.RequestServices.GetRequiredService<IndexCommitter>();
                if (committer.HasUncommitted)
                {
                    await committer.WhenCommittedAsync(context.RequestAborted);
                }

                await next(context);
            }));
        app.MapStaticAssets();
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();
        app.MapAccountEndpoints();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/reference", o => o.WithTitle("Portico API").WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
        app.MapHealthApi();
        app.MapAuthApi();
        app.MapInstancesApi();
        app.MapStudiesApi();
        app.MapDicomWebApi();
        app.MapUploadsApi();
        app.MapDicomIdentitiesApi();
        app.MapDicomAssociationsApi();
        app.MapEchoApi();
        app.MapTransfersApi();
        app.MapUploadPortalApi();
        app.MapQuarantineApi();
        app.MapAuditApi();
        app.MapUsersApi();
        app.MapStressTestsApi();
        app.MapAgentFailuresApi();
        return app;
    }
}
