using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Portico.Web.Tests;

/// <summary>Every endpoint refuses an anonymous caller (401) and a caller without its permission (403).</summary>
public sealed class EndpointSecurityTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    // The DICOM CA certificate is public: devices need it to trust Portico's TLS port (docs/api.md). The portal's code
    // check is how a patient without an account gets in (it has its own throttle). Signing out needs nobody.
    private static readonly HashSet<string> Public = ["/health/live", "/health/ready", "/openapi/{documentName}.json", "/api/auth/sign-in", "/api/dicom/ca.pem", "/api/portal/session", "/account/sign-out"];

    /// <summary>Pages anyone may open: signing in and what leads to it, "not found", and the public Upload Portal and its manual.</summary>
    private static readonly HashSet<string> PublicPages = ["/account/sign-in", "/account/two-step", "/account/accept-invite", "/not-found", "/upload", "/upload/manual"];

    /// <summary>
    /// The API reference page and its assets are public documentation; the web app's files (scripts, styles) and
    /// Blazor's own endpoints carry no patient data (a page's circuit checks the user's permissions itself).
    /// </summary>
    private static bool IsPublic(RouteEndpoint endpoint, string pattern) =>
        Public.Contains(pattern)
        || pattern.StartsWith("/api/reference", StringComparison.Ordinal)
        || pattern.StartsWith("/_blazor", StringComparison.Ordinal)
        || pattern.StartsWith("/_framework", StringComparison.Ordinal)
        || pattern == "/{**path:file}"
        || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is not null
        || IsPage(endpoint);

    private static bool IsPage(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;

    public static TheoryData<string, string> Endpoints()
    {
        using var f = new PorticoFactory();
        var data = new TheoryData<string, string>();
        foreach ((string method, string pattern) in Enumerate(f))
        {
            data.Add(method, pattern);
        }

        return data;
    }

    [Fact]
    public void Endpoints_EveryNonPublicEndpoint_NamesAPermissionOrRequiresSignIn()
    {
        EndpointDataSource source = factory.Services.GetRequiredService<EndpointDataSource>();
        foreach (RouteEndpoint endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            string pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (IsPublic(endpoint, pattern))
            {
                continue;
            }

            IReadOnlyList<IAuthorizeData> authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            Assert.True(authorize.Count > 0, $"{pattern} has no authorization requirement");
            Assert.Null(endpoint.Metadata.GetMetadata<IAllowAnonymous>());
        }
    }

    [Fact]
    public async Task Pages_EveryPageButSignIn_NeedsSignIn_AndAnonymousVisitorsAreSentToTheSignInPage()
    {
        EndpointDataSource source = factory.Services.GetRequiredService<EndpointDataSource>();
        var pages = source.Endpoints.OfType<RouteEndpoint>().Where(IsPage).Select(e => (Endpoint: e, Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'))).ToList();
        Assert.NotEmpty(pages);
        using HttpClient client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach ((RouteEndpoint endpoint, string pattern) in pages.Where(p => !PublicPages.Contains(p.Pattern)))
        {
            Assert.True(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0, $"page {pattern} has no authorization requirement");
            string path = pattern.Replace("{StudyInstanceUid}", "1.2.3", StringComparison.OrdinalIgnoreCase).Replace("{Id:guid}", Guid.NewGuid().ToString(), StringComparison.OrdinalIgnoreCase);
            path = System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", "1");
            HttpResponseMessage response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"GET {path}: {(int)response.StatusCode}");
            Assert.StartsWith("/account/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Call_Anonymous_Is401(string method, string pattern)
    {
        using HttpClient client = factory.CreateClient();
        HttpResponseMessage response = await client.SendAsync(Request(method, pattern), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Call_WithInvalidKey_Is401(string method, string pattern)
    {
        using HttpClient client = factory.ClientWithKey("not-a-real-key-but-long-enough");
        HttpResponseMessage response = await client.SendAsync(Request(method, pattern), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Call_WithoutThePermission_Is403(string method, string pattern)
    {
        string? permission = PermissionOf(method, pattern);
        if (permission is null || !Portico.Index.Access.Permissions.All.Contains(permission))
        {
            // Endpoints that need only a signed-in caller (sign-out, me), and the Upload Portal's (a portal session,
            // which no staff key or cookie is), are covered by the 401 tests.
            return;
        }

        // A key holding every permission except the one the endpoint names.
        string key = await factory.CreateKeyAsync([.. Portico.Index.Access.Permissions.All.Where(p => p != permission)]);
        using HttpClient client = factory.ClientWithKey(key);
        HttpResponseMessage response = await client.SendAsync(Request(method, pattern), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private string? PermissionOf(string method, string pattern)
    {
        EndpointDataSource source = factory.Services.GetRequiredService<EndpointDataSource>();
        RouteEndpoint endpoint = source.Endpoints.OfType<RouteEndpoint>().Single(e =>
            "/" + e.RoutePattern.RawText!.TrimStart('/') == pattern && (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(method) ?? false));
        return endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).FirstOrDefault(p => p is not null);
    }

    private static IEnumerable<(string Method, string Pattern)> Enumerate(PorticoFactory f)
    {
        EndpointDataSource source = f.Services.GetRequiredService<EndpointDataSource>();
        foreach (RouteEndpoint endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            string pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (IsPublic(endpoint, pattern))
            {
                continue;
            }

            foreach (string method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                yield return (method, pattern);
            }
        }
    }

    private static HttpRequestMessage Request(string method, string pattern)
    {
        string path = pattern.Replace("{sopInstanceUid}", "1.2.3", StringComparison.Ordinal)
            .Replace("{studyUid}", "1.2.3", StringComparison.Ordinal)
            .Replace("{label}", "Test", StringComparison.Ordinal)
            .Replace("{id}", "0123456789abcdef0123456789abcdef", StringComparison.Ordinal)
            .Replace("{id:guid}", "01234567-89ab-cdef-0123-456789abcdef", StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }
}
