using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Access;
using Portico.Web.Features.DicomNetwork;
using Xunit;

namespace Portico.Browser.Tests;

/// <summary>
/// The real server on Kestrel at 127.0.0.1 and a free port (so Chromium can reach it), on a temp data directory
/// (SQLite and file blobs), with a bootstrap administrator and API key. DICOM listeners on free ports too.
/// </summary>
public class PorticoServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "correct horse battery staple";
    public const string AdminKey = "browser-admin-key-0123456789abcdef";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "portico-browser-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Where the server listens (read back from Kestrel once started).</summary>
    public Uri BaseAddress { get; private set; } = new($"http://127.0.0.1:{FreePort()}/");

    /// <summary>Further settings for this server (applied last, so they win).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    public int DicomPort => Services.GetRequiredService<DicomListener>().Port ?? throw new InvalidOperationException("The DICOM listener is not running.");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Portico:DataDirectory", DataDirectory);
        builder.UseSetting("Portico:Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Portico:Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Portico:Bootstrap:ApiKey", AdminKey);
        builder.UseSetting("Portico:Dicom:Port", "0");
        builder.UseSetting("Portico:Dicom:TlsPort", "0");
        builder.UseSetting("Portico:Dicom:ListenAddress", "127.0.0.1");
        foreach ((string key, string value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
    }

    /// <summary>An HTTP client for the API with the administrator's key.</summary>
    public HttpClient Admin()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>Creates a user with a password and the given default roles (Administrator, Physician, Technician, Viewer).</summary>
    public async Task CreateUserAsync(string email, string password, params string[] roles)
    {
        await using AsyncServiceScope scope = Services.CreateAsyncScope();
        UserManager<PorticoUser> users = scope.ServiceProvider.GetRequiredService<UserManager<PorticoUser>>();
        var user = new PorticoUser { UserName = email, Email = email, EmailConfirmed = true };
        IdentityResult created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        IdentityResult added = await users.AddToRolesAsync(user, roles);
        Assert.True(added.Succeeded, string.Join("; ", added.Errors.Select(e => e.Description)));
    }

    public async Task<T> WithDbAsync<T>(Func<PorticoDbContext, Task<T>> query)
    {
        await using AsyncServiceScope scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }

    public ValueTask InitializeAsync()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        string address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
