using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Portico.Web.Features.Users;

/// <summary>
/// The certificate that encrypts the data-protection keys at rest (the keys that protect session cookies, invitation
/// links and two-step tokens, in <c>keys/</c> of the data directory), when the operator names one:
/// <c>Portico:DataProtection:CertificatePath</c> (PKCS #12, with its RSA private key) and
/// <c>Portico:DataProtection:CertificatePassword</c>. Keep the certificate outside the data directory (a secrets mount),
/// so a copy of the data directory alone cannot forge a session. Without one the keys are kept owner-only but not
/// encrypted, as ASP.NET Core does by default on Linux.
/// </summary>
/// <remarks>
/// Keys are written as XML Encryption (ASP.NET Core's <see cref="CertificateXmlEncryptor"/>: AES-256-CBC, the AES key
/// wrapped with the certificate's RSA key) and read back by <see cref="Decryptor"/>, which takes the certificate from
/// here rather than from an X.509 store, so the configuration alone decides it.
/// </remarks>
public sealed class KeyProtectionCertificate
{
    private readonly Lazy<X509Certificate2?> _certificate;

    public KeyProtectionCertificate(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? path = configuration["Portico:DataProtection:CertificatePath"];
        string? password = configuration["Portico:DataProtection:CertificatePassword"];
        _certificate = new Lazy<X509Certificate2?>(() => Load(path, password));
    }

    /// <summary>The certificate, or null when none is configured.</summary>
    /// <exception cref="InvalidOperationException">The configured file cannot be read, or holds no RSA private key.</exception>
    public X509Certificate2? Certificate => _certificate.Value;

    private static X509Certificate2? Load(string? path, string? password)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Portico:DataProtection:CertificatePath names '{path}', which could not be read as a PKCS #12 file with Portico:DataProtection:CertificatePassword: {e.Message}", e);
        }

        using RSA? key = certificate.GetRSAPrivateKey();
        if (key is null)
        {
            certificate.Dispose();
            throw new InvalidOperationException(
                $"Portico:DataProtection:CertificatePath names '{path}', which holds no RSA private key: the data-protection keys are encrypted and decrypted with it.");
        }

        return certificate;
    }

    private X509Certificate2 Required => Certificate
        ?? throw new InvalidOperationException("The data-protection keys are encrypted with a certificate, and Portico:DataProtection:CertificatePath names none.");

    /// <summary>Encrypts a key with the certificate and records <see cref="Decryptor"/> as the way back.</summary>
    internal sealed class Encryptor(KeyProtectionCertificate protection, ILoggerFactory loggers) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            EncryptedXmlInfo encrypted = new CertificateXmlEncryptor(protection.Required, loggers).Encrypt(plaintextElement);
            return new EncryptedXmlInfo(encrypted.EncryptedElement, typeof(Decryptor));
        }
    }

    /// <summary>Decrypts a key written by <see cref="Encryptor"/>, with the configured certificate's private key.</summary>
    /// <remarks>Made by the data-protection system from the type name in the key file, with the service provider.</remarks>
    public sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement)
        {
            ArgumentNullException.ThrowIfNull(encryptedElement);
            X509Certificate2 certificate = services.GetRequiredService<KeyProtectionCertificate>().Required;
            var document = new XmlDocument { PreserveWhitespace = true };
            using (XmlReader reader = encryptedElement.CreateReader())
            {
                document.Load(reader);
            }

            new WithCertificate(document, certificate).DecryptDocument();
            return XElement.Parse(document.DocumentElement!.OuterXml);
        }

        /// <summary>XML Encryption whose wrapped keys are opened with one certificate's RSA key, whatever the key info names.</summary>
        private sealed class WithCertificate(XmlDocument document, X509Certificate2 certificate) : EncryptedXml(document)
        {
            public override byte[]? DecryptEncryptedKey(EncryptedKey encryptedKey)
            {
                ArgumentNullException.ThrowIfNull(encryptedKey);
                using RSA rsa = certificate.GetRSAPrivateKey()!;
                bool oaep = encryptedKey.EncryptionMethod?.KeyAlgorithm == XmlEncRSAOAEPUrl;
                try
                {
                    return DecryptKey(encryptedKey.CipherData.CipherValue!, rsa, oaep);
                }
                catch (CryptographicException e)
                {
                    throw new CryptographicException(
                        "A data-protection key could not be decrypted with the certificate Portico:DataProtection:CertificatePath names: it was encrypted with another one.", e);
                }
            }
        }
    }
}
