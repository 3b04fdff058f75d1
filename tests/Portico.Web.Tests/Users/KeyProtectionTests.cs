using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Portico.Web.Features.Users;
using Xunit;

namespace Portico.Web.Tests.Users;

/// <summary>
/// The data-protection keys (session cookies, invitation links) encrypted at rest with the operator's certificate
/// (Portico:DataProtection:CertificatePath): written encrypted, read back after a restart with the same certificate, not
/// readable with another or with none, and a certificate that cannot be opened stops the start with a message.
/// </summary>
public sealed class KeyProtectionTests : IDisposable
{
    private readonly string _secrets = Directory.CreateTempSubdirectory("portico-key-certs-").FullName;

    public void Dispose() => Directory.Delete(_secrets, recursive: true);

    [Fact]
    public async Task Keys_are_encrypted_with_the_certificate_and_read_back_only_with_it()
    {
        string data = Path.Combine(Path.GetTempPath(), "portico-web-tests", Guid.NewGuid().ToString("N"));
        Dictionary<string, string> settings = Certificate("keys.pfx", "pfx password");
        string token;
        await using (var first = new PorticoFactory { DataDirectory = data, DeleteDataDirectory = false, Settings = settings })
        {
            token = Protector(first).Protect("a session");
        }

        string[] keys = Directory.GetFiles(Path.Combine(data, "keys"), "key-*.xml");
        Assert.NotEmpty(keys);
        foreach (string key in keys)
        {
            string xml = await File.ReadAllTextAsync(key, TestContext.Current.CancellationToken);
            Assert.Contains("<EncryptedData", xml, StringComparison.Ordinal);
            Assert.Contains(typeof(KeyProtectionCertificate.Decryptor).FullName!, xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal); // the plain key ASP.NET Core writes otherwise
        }

        await using (var again = new PorticoFactory { DataDirectory = data, DeleteDataDirectory = false, Settings = settings })
        {
            Assert.Equal("a session", Protector(again).Unprotect(token));
        }

        await using (var other = new PorticoFactory { DataDirectory = data, DeleteDataDirectory = false, Settings = Certificate("other.pfx", "other") })
        {
            Assert.Throws<CryptographicException>(() => Protector(other).Unprotect(token));
        }

        await using var none = new PorticoFactory { DataDirectory = data };
        Assert.Throws<CryptographicException>(() => Protector(none).Unprotect(token));
    }

    [Fact]
    public void A_certificate_that_cannot_be_opened_stops_the_start()
    {
        Dictionary<string, string> settings = Certificate("keys.pfx", "right");
        settings["Portico:DataProtection:CertificatePassword"] = "wrong";
        using var factory = new PorticoFactory { Settings = settings };

        Exception e = Assert.ThrowsAny<Exception>(() => factory.Services.GetRequiredService<IDataProtectionProvider>());
        Assert.Contains("Portico:DataProtection:CertificatePath", Flatten(e), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_certificate_file_stops_the_start()
    {
        using var factory = new PorticoFactory { Settings = new Dictionary<string, string> { ["Portico:DataProtection:CertificatePath"] = Path.Combine(_secrets, "absent.pfx") } };

        Exception e = Assert.ThrowsAny<Exception>(() => factory.Services.GetRequiredService<IDataProtectionProvider>());
        Assert.Contains("absent.pfx", Flatten(e), StringComparison.Ordinal);
    }

    private static IDataProtector Protector(PorticoFactory factory) =>
        factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("KeyProtectionTests");

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);

    /// <summary>A self-signed RSA certificate with its private key in a password-protected PKCS #12 file; its settings.</summary>
    private Dictionary<string, string> Certificate(string name, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Portico key protection test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        string path = Path.Combine(_secrets, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return new Dictionary<string, string>
        {
            ["Portico:DataProtection:CertificatePath"] = path,
            ["Portico:DataProtection:CertificatePassword"] = password,
        };
    }
}
