using System.Net;

namespace Portico.Web.Features.Dicom;

/// <summary>
/// Portico's DICOM network (<c>Portico:Dicom</c>), validated at start: the plain and TLS ports, the AE title Portico
/// answers to, limits and timeouts, the TLS server certificate and the association log retention.
/// </summary>
public sealed class DicomOptions
{
    public const string Section = "Portico:Dicom";

    /// <summary>Whether the plain DICOM port listens. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Plain DICOM port. Default 11112 (the registered DICOM port); 0 picks a free port.</summary>
    public int Port { get; set; } = 11112;

    /// <summary>Whether the DICOM TLS port listens. Default true (a server certificate is issued when none is configured).</summary>
    public bool TlsEnabled { get; set; } = true;

    /// <summary>DICOM TLS port. Default 2762 (the registered "dicom-tls" port); 0 picks a free port.</summary>
    public int TlsPort { get; set; } = 2762;

    /// <summary>The called AE title Portico accepts and calls with. Default <c>PORTICO</c>.</summary>
    public string AETitle { get; set; } = "PORTICO";

    /// <summary>
    /// Address both ports listen on, an IP literal. Default <c>0.0.0.0</c>: every IPv4 address (devices on a hospital
    /// network are IPv4); <c>::</c> listens on IPv6 and IPv4 (dual mode), <c>127.0.0.1</c> only locally.
    /// </summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>Associations served at once; further ones are refused (transient, local limit exceeded). Default 64.</summary>
    public int MaxConcurrentAssociations { get; set; } = 64;

    /// <summary>Maximum PDU length Portico advertises and accepts. Default 256 KiB (docs/benchmarks.md).</summary>
    public int MaxPduLength { get; set; } = 262144;

    /// <summary>How long a connection may take to send its A-ASSOCIATE-RQ (ARTIM, PS3.8 §9.1.5). Default 30 s.</summary>
    public TimeSpan ArtimTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an established association may stay silent before it is aborted. Default 5 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long association log rows are kept; older ones are deleted daily. Default 90 days.</summary>
    public TimeSpan AssociationLogRetention { get; set; } = TimeSpan.FromDays(90);

    public DicomTlsOptions Tls { get; set; } = new();

    /// <summary><see cref="ListenAddress"/> parsed (validated at start).</summary>
    public IPAddress ListenIPAddress => IPAddress.Parse(ListenAddress);

    /// <summary>Problems with these settings, empty when they are valid (checked at start).</summary>
    internal IEnumerable<string> Validate()
    {
        if (Port is < 0 or > 65535)
        {
            yield return "Portico:Dicom:Port must be between 0 and 65535.";
        }

        if (TlsPort is < 0 or > 65535)
        {
            yield return "Portico:Dicom:TlsPort must be between 0 and 65535.";
        }

        if (Enabled && TlsEnabled && Port != 0 && Port == TlsPort)
        {
            yield return "Portico:Dicom:Port and Portico:Dicom:TlsPort must differ.";
        }

        if (!Portico.Dicom.Network.AETitle.IsValid(AETitle) || AETitle.Trim(' ') != AETitle)
        {
            yield return "Portico:Dicom:AETitle must be 1 to 16 characters without backslash or control characters, not padded.";
        }

        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            yield return "Portico:Dicom:ListenAddress must be an IP address such as 0.0.0.0, :: or 127.0.0.1.";
        }

        if (MaxConcurrentAssociations < 1)
        {
            yield return "Portico:Dicom:MaxConcurrentAssociations must be at least 1.";
        }

        // PS3.8 allows any length from 4 bytes up; below 4 KiB or above 16 MiB is a configuration mistake.
        if (MaxPduLength is < 4096 or > 16 * 1024 * 1024)
        {
            yield return "Portico:Dicom:MaxPduLength must be between 4096 and 16777216.";
        }

        foreach ((string key, TimeSpan value) in new[] { ("ArtimTimeout", ArtimTimeout), ("IdleTimeout", IdleTimeout), ("AssociationLogRetention", AssociationLogRetention) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"Portico:Dicom:{key} must be positive.";
            }
        }

        bool pem = !string.IsNullOrWhiteSpace(Tls.CertificatePath);
        bool pkcs12 = !string.IsNullOrWhiteSpace(Tls.Pkcs12Path);
        if (pem && pkcs12)
        {
            yield return "Portico:Dicom:Tls: set either CertificatePath (with KeyPath) or Pkcs12Path, not both.";
        }

        if (pem != !string.IsNullOrWhiteSpace(Tls.KeyPath) && !pkcs12)
        {
            yield return "Portico:Dicom:Tls:CertificatePath and KeyPath go together.";
        }
    }
}
