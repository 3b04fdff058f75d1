using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portico.Dicom.Network;
using Portico.Dicom.Network.Scu;

namespace Portico.Cli.Commands;

/// <summary>
/// The options `portico echo` and `portico send` share (storescu style): AE titles, TLS, timeout, then `host port`.
/// </summary>
internal sealed class NetworkOptions
{
    public const string Usage = """
          --aet TITLE            calling AE title (default PORTICO)
          --aec TITLE            called AE title (default ANY-SCP)
          --timeout SECONDS      connect and association timeout (default 15)
          --tls                  use TLS without a client certificate (anonymous TLS)
          --cert FILE            client certificate: a PKCS#12 file (.p12/.pfx), or a PEM certificate with --key
          --key FILE             the PEM private key of --cert
          --cert-password TEXT   password of the PKCS#12 file
          --ca FILE              trust only the CA certificate(s) in this PEM file for the server's certificate
          --server-name NAME     the name the server's certificate must carry (default: host)
          --no-verify            accept any server certificate (testing only)
        """;

    public string CallingAETitle { get; private set; } = "PORTICO";

    public string CalledAETitle { get; private set; } = "ANY-SCP";

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(15);

    public bool Tls { get; private set; }

    public string? CertificateFile { get; private set; }

    public string? KeyFile { get; private set; }

    public string? CertificatePassword { get; private set; }

    public string? CaFile { get; private set; }

    public string? ServerName { get; private set; }

    public bool NoVerify { get; private set; }

    /// <summary>
    /// Consumes the option at <paramref name="index"/> (and its value) if it is one of ours. Returns false when it is
    /// not; throws <see cref="ArgumentException"/> for a missing or bad value.
    /// </summary>
    public bool TryConsume(string[] args, ref int index)
    {
        string arg = args[index];
        switch (arg)
        {
            case "--aet":
                CallingAETitle = AETitleValue(args, ref index);
                return true;
            case "--aec":
                CalledAETitle = AETitleValue(args, ref index);
                return true;
            case "--timeout":
                string seconds = Value(args, ref index);
                if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value > 3600)
                {
                    throw new ArgumentException($"--timeout: '{seconds}' is not a number of seconds between 0 and 3600");
                }
                Timeout = TimeSpan.FromSeconds(value);
                return true;
            case "--tls":
                Tls = true;
                return true;
            case "--cert":
                CertificateFile = Value(args, ref index);
                Tls = true;
                return true;
            case "--key":
                KeyFile = Value(args, ref index);
                return true;
            case "--cert-password":
                CertificatePassword = Value(args, ref index);
                return true;
            case "--ca":
                CaFile = Value(args, ref index);
                Tls = true;
                return true;
            case "--server-name":
                ServerName = Value(args, ref index);
                return true;
            case "--no-verify":
                NoVerify = true;
                Tls = true;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Parses `host port`; throws <see cref="ArgumentException"/> when they are not a host and a port.</summary>
    public static (string Host, int Port) Endpoint(string host, string port)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            throw new ArgumentException("the host is empty");
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value is < 1 or > 65535)
        {
            throw new ArgumentException($"'{port}' is not a port number (1-65535)");
        }
        return (host, value);
    }

    /// <summary>
    /// The client options for the HOST and PORT arguments, or null after telling <paramref name="stderr"/> why (a usage
    /// error: exit status 2).
    /// </summary>
    public DicomClientOptions? TryClientOptions(string host, string port, string command, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            (string name, int number) = Endpoint(host, port);
            return ClientOptions(name, number);
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine($"portico {command}: {ex.Message}");
            return null;
        }
    }

    /// <summary>The client options, loading the certificate files; throws <see cref="ArgumentException"/> when they cannot be read.</summary>
    public DicomClientOptions ClientOptions(string host, int port)
    {
        var options = new DicomClientOptions
        {
            Host = host,
            Port = port,
            CalledAETitle = CalledAETitle,
            CallingAETitle = CallingAETitle,
            UseTls = Tls,
            ServerName = ServerName,
            ConnectTimeout = Timeout,
            ArtimTimeout = Timeout,
        };
        if (!Tls)
        {
            return options;
        }
        try
        {
            if (CaFile is not null)
            {
                var authorities = new X509Certificate2Collection();
                authorities.ImportFromPemFile(CaFile);
                if (authorities.Count == 0)
                {
                    throw new ArgumentException($"--ca {CaFile}: no certificate in the file");
                }
                options = options with { TrustedCertificateAuthorities = authorities };
            }
            if (NoVerify)
            {
                // The user asked for it by name (--no-verify, documented as testing only).
#pragma warning disable CA5359
                options = options with { ServerCertificateValidation = static (_, _, _, _) => true };
#pragma warning restore CA5359
            }
            if (CertificateFile is not null)
            {
                options = options with { ClientCertificate = LoadCertificate() };
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read the certificate files: {ex.Message}", ex);
        }
        return options;
    }

    /// <summary>Why a connection or an association failed, in words (no stack trace), or null when it is not such a failure.</summary>
    public static string? Describe(Exception ex, string host, int port) => ex switch
    {
        SocketException socket => $"cannot connect to {host}:{port}: {socket.Message}",
        DicomAssociationRejectedException rejected => rejected.Message,
        TimeoutException timeout => timeout.Message,
        AuthenticationException tls => $"TLS handshake with {host}:{port} failed: {tls.Message}",
        DicomNetworkProtocolException protocol => $"protocol error: {protocol.Message}",
        IOException io => $"connection to {host}:{port} failed: {io.Message}",
        _ => null,
    };

    private X509Certificate2 LoadCertificate()
    {
        string file = CertificateFile!;
        if (KeyFile is not null)
        {
            return X509Certificate2.CreateFromPemFile(file, KeyFile);
        }
        if (file.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".crt", StringComparison.OrdinalIgnoreCase))
        {
            // A PEM file holding both the certificate and its key.
            return X509Certificate2.CreateFromPemFile(file);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(file, CertificatePassword);
    }

    private static string AETitleValue(string[] args, ref int index)
    {
        string option = args[index];
        string value = Value(args, ref index);
        return AETitle.IsValid(value) ? value : throw new ArgumentException($"{option}: '{value}' is not a valid AE title (1-16 characters, no backslash)");
    }

    private static string Value(string[] args, ref int index)
    {
        if (index + 1 >= args.Length)
        {
            throw new ArgumentException($"{args[index]} needs a value");
        }
        index++;
        return args[index];
    }
}
