using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Portico.Web.Tests;

/// <summary>Every endpoint refuses an anonymous caller (401) and a caller without its permission (403).</summary>
public sealed class EndpointSecurityTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    // The DICOM CA certificate is public: devices need it to trust Portico's TLS port (docs/api.md).
    private static readonly HashSet<string> Public = ["/health/live", "/health/ready", "/openapi/{documentName}.json", "/api/auth/sign-in", "/", "/api/dicom/ca.pem"];

    /// <summary>The API reference page and its assets are public documentation.</summary>
    private static bool IsPublic(string pattern) => Public.Contains(pattern) || pattern.StartsWith("/api/reference", StringComparison.Ordinal);

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
            if (IsPublic(pattern))
            {
                continue;
            }

            IReadOnlyList<IAuthorizeData> authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            Assert.True(authorize.Count > 0, $"{pattern} has no authorization requirement");
            Assert.Null(endpoint.Metadata.GetMetadata<IAllowAnonymous>());
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
        if (permission is null)
        {
            return; // endpoints that need only a signed-in caller (sign-out, me) are covered by the 401 test
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
            if (IsPublic(pattern))
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
