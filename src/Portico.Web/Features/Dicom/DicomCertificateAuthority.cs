using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Portico.Web.Hosting;

namespace Portico.Web.Features.Dicom;

/// <summary>
/// Portico's own certificate authority for DICOM TLS, kept in <c>{DataDirectory}/tls/</c> (<c>ca.pem</c>, <c>ca.key</c>;
/// keys are written owner-only, 0600) and created at first use: ECDSA P-256, valid 20 years. It issues the DICOM TLS
/// server certificate when none is configured (<c>server.pem</c>/<c>server.key</c>, SANs localhost, 127.0.0.1, ::1 and
/// the machine name, valid 2 years, renewed 30 days before it expires) and the client certificates of DICOM Identities
/// (CN = the AE title, valid 2 years, key never stored). Built with <see cref="CertificateRequest"/>: no packages.
/// </summary>
public sealed partial class DicomCertificateAuthority(IOptions<PorticoOptions> portico, IOptions<DicomOptions> dicom, TimeProvider clock, ILogger<DicomCertificateAuthority> logger)
{
    private static readonly TimeSpan CaValidity = TimeSpan.FromDays(20 * 365);
    private static readonly TimeSpan LeafValidity = TimeSpan.FromDays(2 * 365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    // Clock skew between Portico and devices: certificates are valid from an hour ago.
    private static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private X509Certificate2? _ca;
    private X509Certificate2? _server;

    /// <summary>Where the files live: <c>{DataDirectory}/tls</c>.</summary>
    public string Directory => Path.GetFullPath(Path.Combine(portico.Value.DataDirectory, "tls"));

    /// <summary>The CA certificate without its key: what the TLS listener validates client certificates against.</summary>
    public X509Certificate2 GetCertificateAuthority()
    {
        lock (_lock)
        {
            EnsureCa();
            return X509CertificateLoader.LoadCertificate(_ca!.RawData);
        }
    }

    /// <summary>The CA certificate as PEM, for devices to trust Portico's server certificate.</summary>
    public string GetCertificateAuthorityPem()
    {
        lock (_lock)
        {
            EnsureCa();
            return _ca!.ExportCertificatePem();
        }
    }

    /// <summary>
    /// The DICOM TLS server certificate with its private key: the configured one (<c>Portico:Dicom:Tls</c>), else one
    /// this authority issued (and renews when it nears expiry).
    /// </summary>
    public X509Certificate2 GetServerCertificate()
    {
        DicomTlsOptions tls = dicom.Value.Tls;
        if (!string.IsNullOrWhiteSpace(tls.Pkcs12Path))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(tls.Pkcs12Path, tls.Password);
        }

        if (!string.IsNullOrWhiteSpace(tls.CertificatePath))
        {
            using X509Certificate2 pem = string.IsNullOrEmpty(tls.Password)
                ? X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(tls.CertificatePath, tls.Password, tls.KeyPath);
            return Persistable(pem);
        }

        lock (_lock)
        {
            if (_server is null || _server.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime < RenewBefore)
            {
                _server?.Dispose();
                _server = LoadOrIssueServer();
            }

            return X509CertificateLoader.LoadPkcs12(_server.Export(X509ContentType.Pkcs12), null);
        }
    }

    /// <summary>Issues a client certificate for a DICOM Identity: CN = its AE title, for TLS client authentication.</summary>
    public IssuedClientCertificate IssueClientCertificate(string aeTitle)
    {
        ArgumentException.ThrowIfNullOrEmpty(aeTitle);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("Portico DICOM Identity");
        subject.AddCommonName(aeTitle);
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using X509Certificate2 issued = Sign(request);
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);
        string password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        byte[] pkcs12 = withKey.ExportPkcs12(new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000), password);
        LogClientCertificateIssued(logger, aeTitle, issued.SerialNumber);
        return new IssuedClientCertificate(
            issued.ExportCertificatePem(),
            key.ExportPkcs8PrivateKeyPem(),
            pkcs12,
            password,
            issued.SerialNumber,
            issued.GetCertHashString(HashAlgorithmName.SHA256),
            issued.Subject,
            issued.NotBefore.ToUniversalTime(),
            issued.NotAfter.ToUniversalTime());
    }

    private X509Certificate2 Sign(CertificateRequest request)
    {
        lock (_lock)
        {
            EnsureCa();
            DateTimeOffset now = clock.GetUtcNow();
            DateTimeOffset notAfter = now + LeafValidity;
            if (notAfter > _ca!.NotAfter)
            {
                notAfter = _ca.NotAfter;
            }

            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
            return request.Create(_ca, now - Backdate, notAfter, NewSerialNumber());
        }
    }

    private void EnsureCa()
    {
        if (_ca is not null)
        {
            return;
        }

        string certPath = Path.Combine(Directory, "ca.pem");
        string keyPath = Path.Combine(Directory, "ca.key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            _ca = Persistable(X509Certificate2.CreateFromPemFile(certPath, keyPath));
            return;
        }

        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("Portico");
        subject.AddCommonName($"Portico DICOM CA ({Environment.MachineName})");
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset now = clock.GetUtcNow();
        using X509Certificate2 ca = request.CreateSelfSigned(now - Backdate, now + CaValidity);
        WriteFiles(certPath, ca.ExportCertificatePem(), keyPath, key.ExportPkcs8PrivateKeyPem());
        _ca = Persistable(ca);
        LogCreated(logger, Directory, _ca.Thumbprint);
    }

    private X509Certificate2 LoadOrIssueServer()
    {
        string certPath = Path.Combine(Directory, "server.pem");
        string keyPath = Path.Combine(Directory, "server.key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            X509Certificate2 existing = Persistable(X509Certificate2.CreateFromPemFile(certPath, keyPath));
            if (existing.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime >= RenewBefore)
            {
                return existing;
            }

            existing.Dispose();
        }

        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("Portico");
        subject.AddCommonName(Environment.MachineName);
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName(Environment.MachineName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using X509Certificate2 issued = Sign(request);
        WriteFiles(certPath, issued.ExportCertificatePem(), keyPath, key.ExportPkcs8PrivateKeyPem());
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);
        LogServerCertificateIssued(logger, issued.Subject, issued.NotAfter.ToUniversalTime());
        return Persistable(withKey);
    }

    /// <summary>PEM-loaded keys are ephemeral; a PKCS#12 round trip gives a certificate SslStream can use on every OS.</summary>
    private static X509Certificate2 Persistable(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }

    private void WriteFiles(string certPath, string certPem, string keyPath, string keyPem)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Key first, owner-only from creation (no window where it is world-readable), each through a temp file and rename.
        WriteAtomically(keyPath, keyPem, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteAtomically(certPath, certPem, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    private static void WriteAtomically(string path, string contents, UnixFileMode mode)
    {
        string temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static byte[] NewSerialNumber()
    {
        // RFC 5280 §4.1.2.2: positive, at most 20 octets; 16 random bytes with the top bit clear.
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        return serial;
    }

    [LoggerMessage(5710, LogLevel.Information, "DICOM certificate authority created in {Directory} (thumbprint {Thumbprint})")]
    private static partial void LogCreated(ILogger logger, string directory, string thumbprint);

    [LoggerMessage(5711, LogLevel.Information, "DICOM TLS server certificate issued for {Subject}, valid until {NotAfter:u}")]
    private static partial void LogServerCertificateIssued(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(5712, LogLevel.Information, "DICOM client certificate issued for AE title {AETitle} (serial {SerialNumber})")]
    private static partial void LogClientCertificateIssued(ILogger logger, string aeTitle, string serialNumber);
}
