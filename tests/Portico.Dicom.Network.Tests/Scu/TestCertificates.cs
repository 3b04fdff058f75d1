using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portico.Dicom.Network.Tests.Scu;

/// <summary>
/// A throw-away certificate authority with a server certificate (for 127.0.0.1 and localhost) and a client certificate,
/// written as PEM files into a folder for DCMTK and for the CLI options.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        using RSA caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Portico Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Authority = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));
        Server = Issue("CN=localhost", "1.3.6.1.5.5.7.3.1", 1, now);
        Client = Issue("CN=PORTICOTEST", "1.3.6.1.5.5.7.3.2", 2, now);
        File.WriteAllText(AuthorityPem, Authority.ExportCertificatePem());
        Write(Server, ServerCertificatePem, ServerKeyPem);
        Write(Client, ClientCertificatePem, ClientKeyPem);
    }

    public string Directory { get; }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public string AuthorityPem => Path.Combine(Directory, "ca.pem");

    public string ServerCertificatePem => Path.Combine(Directory, "server.pem");

    public string ServerKeyPem => Path.Combine(Directory, "server.key");

    public string ClientCertificatePem => Path.Combine(Directory, "client.pem");

    public string ClientKeyPem => Path.Combine(Directory, "client.key");

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    private static void Write(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using RSA key = certificate.GetRSAPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    private X509Certificate2 Issue(string subject, string extendedKeyUsage, byte serial, DateTimeOffset now)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsage)], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Authority, true, false));
        using X509Certificate2 issued = request.Create(Authority, now.AddDays(-1), now.AddDays(1), [serial]);
        return issued.CopyWithPrivateKey(key);
    }
}
