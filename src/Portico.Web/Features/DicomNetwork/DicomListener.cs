using System.Net;
using Microsoft.Extensions.Options;
using Portico.Dicom.IO;
using Portico.Dicom.Network;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Scp;
using Portico.Web.Features.Dicom;

namespace Portico.Web.Features.DicomNetwork;

/// <summary>
/// Portico's DICOM SCP: the plain port and the TLS port of <see cref="DicomOptions"/>, both checked by the
/// <see cref="IdentityAssociationPolicy"/> and served by <see cref="PorticoDimseServices"/>; every connection, accepted or
/// refused, goes to the association log. Started before the HTTP server answers, stopped after it.
/// </summary>
public sealed partial class DicomListener(
    IOptions<DicomOptions> options,
    IdentityAssociationPolicy policy,
    PorticoDimseServices services,
    DicomCertificateAuthority authority,
    DicomAssociationLogWriter log,
    TimeProvider clock,
    ILogger<DicomListener> logger) : IHostedService, IAsyncDisposable
{
    private DicomServer? _plain;
    private DicomServer? _tls;

    // One limit for both ports (Portico:Dicom:MaxConcurrentAssociations), not one each.
    private AssociationSlots? _slots;

    /// <summary>The plain port bound (useful with port 0), or null when it is disabled.</summary>
    public int? Port => _plain?.Port;

    /// <summary>The TLS port bound, or null when it is disabled.</summary>
    public int? TlsPort => _tls?.Port;

    /// <summary>Associations open on both ports.</summary>
    public int ActiveAssociations => (_plain?.ActiveAssociations ?? 0) + (_tls?.ActiveAssociations ?? 0);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        DicomOptions settings = options.Value;
        _slots = new AssociationSlots(settings.MaxConcurrentAssociations);
        DicomServerOptions common = ServerOptions(settings) with { Slots = _slots };
        if (settings.Enabled)
        {
            _plain = Start(common with { Port = settings.Port });
        }
        if (settings.TlsEnabled)
        {
            var tls = new Portico.Dicom.Network.Scp.DicomTlsOptions
            {
                ServerCertificate = authority.GetServerCertificate(),
                ClientCertificateAuthority = authority.GetCertificateAuthority(),
            };
            _tls = Start(common with { Port = settings.TlsPort, Tls = tls });
        }
        LogListening(logger, settings.AETitle, _plain?.Port, _tls?.Port, settings.ListenAddress, settings.MaxPduLength);
        if (_plain is not null || _tls is not null)
        {
            policy.LoadInBackground();
        }

        return Task.CompletedTask;
    }

    private DicomServer Start(DicomServerOptions serverOptions)
    {
        var server = new DicomServer(serverOptions);
        server.AssociationEnded += record => log.Write(record);
        server.Start();
        return server;
    }

    private DicomServerOptions ServerOptions(DicomOptions settings) => new()
    {
        AETitle = settings.AETitle,
        Address = IPAddress.Parse(settings.ListenAddress),
        ArtimTimeout = settings.ArtimTimeout,
        IdleTimeout = settings.IdleTimeout,
        MaxConcurrentAssociations = settings.MaxConcurrentAssociations,
        Limits = DicomNetworkLimits.Default with { MaxPduLength = (uint)settings.MaxPduLength },
        AbstractSyntaxes = new HashSet<string>(StringComparer.Ordinal) { EchoMessages.VerificationSopClassUid },
        TransferSyntaxes = [TransferSyntax.ExplicitVRLittleEndian.Uid, TransferSyntax.ImplicitVRLittleEndian.Uid],
        Policy = policy,
        Services = services,
        TimeProvider = clock,
    };

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_plain is { } plain)
        {
            _plain = null;
            await plain.DisposeAsync();
        }
        if (_tls is { } tls)
        {
            _tls = null;
            await tls.DisposeAsync();
        }
    }

    [LoggerMessage(5602, LogLevel.Information, "DICOM listening as {AETitle} on {Address}: plain port {Port}, TLS port {TlsPort}, maximum PDU {MaxPduLength} bytes")]
    private static partial void LogListening(ILogger logger, string aeTitle, int? port, int? tlsPort, string address, int maxPduLength);
}
