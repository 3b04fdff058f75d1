using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Dicom;
using Portico.Web.Features.Dicom;
using Xunit;

namespace Portico.Web.Tests.Dicom;

public sealed class DicomCertificateAuthorityTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DicomCertificateAuthority Authority => factory.Services.GetRequiredService<DicomCertificateAuthority>();

    [Fact]
    public async Task ClientCertificate_IsAnsweredOnce_ChainsToTheCa_AndNamesTheAETitle()
    {
        string ae = DicomTestClient.NewAETitle("TLS");
        string id = (await factory.CreateIdentityAsync(ae)).GetProperty("id").GetString()!;
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.PostAsync($"/api/dicom-identities/{id}/client-certificate", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        JsonElement issued = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        using X509Certificate2 pem = X509Certificate2.CreateFromPem(issued.GetProperty("certificatePem").GetString(), issued.GetProperty("privateKeyPem").GetString());
        Assert.True(pem.HasPrivateKey);
        Assert.Equal(ae, pem.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        using X509Certificate2 pkcs12 = X509CertificateLoader.LoadPkcs12(
            Convert.FromBase64String(issued.GetProperty("pkcs12Base64").GetString()!), issued.GetProperty("pkcs12Password").GetString());
        Assert.True(pkcs12.HasPrivateKey);
        Assert.Equal(pem.Thumbprint, pkcs12.Thumbprint);
        Assert.Contains(pem.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");

        using X509Certificate2 ca = X509Certificate2.CreateFromPem(await (await factory.CreateClient().GetAsync("/api/dicom/ca.pem", Ct)).Content.ReadAsStringAsync(Ct));
        Assert.True(ChainsTo(pem, ca));

        JsonElement identity = await client.GetFromJsonAsync<JsonElement>($"/api/dicom-identities/{id}", Ct);
        JsonElement current = identity.GetProperty("clientCertificate");
        Assert.Equal(pem.GetCertHashString(HashAlgorithmName.SHA256), current.GetProperty("thumbprint").GetString());
        Assert.Equal(pem.SerialNumber, current.GetProperty("serialNumber").GetString());
        Assert.DoesNotContain("PRIVATE KEY", identity.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reissue_RevokesTheOld_AndRevokeRevokesAll_BothAudited()
    {
        string ae = DicomTestClient.NewAETitle("RE");
        string id = (await factory.CreateIdentityAsync(ae)).GetProperty("id").GetString()!;
        using HttpClient client = factory.Admin();

        (await client.PostAsync($"/api/dicom-identities/{id}/client-certificate", null, Ct)).EnsureSuccessStatusCode();
        (await client.PostAsync($"/api/dicom-identities/{id}/client-certificate", null, Ct)).EnsureSuccessStatusCode();

        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            var identityId = new DicomIdentityId(Guid.Parse(id));
            List<DicomClientCertificate> certificates = await db.DicomClientCertificates.Where(c => c.IdentityId == identityId).OrderBy(c => c.IssuedAt).ToListAsync(Ct);
            Assert.Equal(2, certificates.Count);
            Assert.Single(certificates, c => c.RevokedAt is null);
            Assert.Equal(64, certificates[0].Thumbprint.Length);
            Assert.Contains("CN=" + ae, certificates[1].Subject, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/dicom-identities/{id}/client-certificate", Ct)).StatusCode);
        JsonElement identity = await client.GetFromJsonAsync<JsonElement>($"/api/dicom-identities/{id}", Ct);
        Assert.Equal(JsonValueKind.Null, identity.GetProperty("clientCertificate").ValueKind);
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            List<string> actions = await db.AuditEntries.Where(a => a.Target == "dicom-identity/" + id).Select(a => a.Action).ToListAsync(Ct);
            Assert.Equal(2, actions.Count(a => a == "DicomIdentity.ClientCertificateIssued"));
            Assert.Single(actions, a => a == "DicomIdentity.ClientCertificateRevoked");
        }
    }

    [Fact]
    public void ServerCertificate_IsIssuedByTheCa_WithLocalNames_AndKeptOnDisk()
    {
        using X509Certificate2 server = Authority.GetServerCertificate();
        using X509Certificate2 ca = Authority.GetCertificateAuthority();

        Assert.True(server.HasPrivateKey);
        Assert.False(ca.HasPrivateKey);
        Assert.True(ChainsTo(server, ca));
        X509SubjectAlternativeNameExtension names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", names.EnumerateDnsNames());
        Assert.Contains(IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.NotNull(ca.GetECDsaPublicKey());

        string tls = Path.Combine(factory.DataDirectory, "tls");
        foreach (string file in new[] { "ca.pem", "ca.key", "server.pem", "server.key" })
        {
            Assert.True(File.Exists(Path.Combine(tls, file)), file);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, "ca.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, "server.key")));
        }

        // The same server certificate is served again (it is kept, not re-issued per call).
        using X509Certificate2 again = Authority.GetServerCertificate();
        Assert.Equal(server.Thumbprint, again.Thumbprint);
    }

    [Fact]
    public async Task CaCertificate_IsPublic()
    {
        using HttpClient anonymous = factory.CreateClient();

        using HttpResponseMessage response = await anonymous.GetAsync("/api/dicom/ca.pem", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string pem = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", pem, StringComparison.Ordinal);
    }

    private static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
