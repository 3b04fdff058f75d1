using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Portico.Web.Tests.Dicom;

/// <summary>Creates DICOM Identities through the API, with AE titles unique to each test.</summary>
internal static class DicomTestClient
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string NewAETitle(string prefix = "T") => (prefix + Guid.NewGuid().ToString("N"))[..16];

    public static async Task<JsonElement> CreateIdentityAsync(this PorticoFactory factory, object body)
    {
        using HttpClient client = factory.Admin();
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/dicom-identities", body, Ct);
        string text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<JsonElement> CreateIdentityAsync(this PorticoFactory factory, string aeTitle) =>
        factory.CreateIdentityAsync(new { name = "Device " + aeTitle, aeTitle });
}
