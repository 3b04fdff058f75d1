using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Portico.Dicom.IO;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Pdus;

namespace Portico.Dicom.Network.Scu;

/// <summary>
/// The association requestor (SCU) side of PS3.8: connects, negotiates the presentation contexts and hands back a
/// <see cref="DicomClientAssociation"/> for C-ECHO, C-STORE, C-FIND and C-MOVE.
/// </summary>
public static class DicomClient
{
    /// <summary>PS3.8 allows 128 presentation contexts (odd ids 1–255) in one A-ASSOCIATE-RQ.</summary>
    public const int MaxPresentationContexts = 128;

    /// <summary>Verification (PS3.4 annex A) in Explicit then Implicit VR Little Endian, context id 1: the only context of a C-ECHO.</summary>
    public static PresentationContextRequest VerificationContext { get; } = new(
        1,
        EchoMessages.VerificationSopClassUid,
        [TransferSyntax.ExplicitVRLittleEndian.Uid, TransferSyntax.ImplicitVRLittleEndian.Uid]);

    /// <summary>
    /// One presentation context per distinct (SOP class, transfer syntax) pair, ids 1, 3, 5…, in first-seen order. The
    /// file's own syntax comes first. An uncompressed file may be converted, so it also offers a fallback: Explicit VR
    /// Little Endian for the other uncompressed syntaxes (Implicit VR Little Endian for an Explicit VR Little Endian
    /// file). A compressed (encapsulated) or unknown syntax is offered alone: such a file is sent as it is or not at all.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxPresentationContexts"/> distinct pairs.</exception>
    public static IReadOnlyList<PresentationContextRequest> ProposeFor(IEnumerable<(string SopClassUid, string TransferSyntaxUid)> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var seen = new HashSet<(string, string)>();
        var contexts = new List<PresentationContextRequest>();
        foreach ((string sopClassUid, string transferSyntaxUid) in instances)
        {
            string sopClass = TrimUid(sopClassUid);
            string syntax = TrimUid(transferSyntaxUid);
            if (!seen.Add((sopClass, syntax)))
            {
                continue;
            }
            if (contexts.Count == MaxPresentationContexts)
            {
                throw new ArgumentException($"The instances need more than {MaxPresentationContexts} presentation contexts (distinct SOP class and transfer syntax pairs); send them in several associations.", nameof(instances));
            }
            contexts.Add(new PresentationContextRequest((byte)((contexts.Count * 2) + 1), sopClass, SyntaxesFor(syntax)));
        }
        return contexts;
    }

    /// <summary>The transfer syntaxes offered for a file in <paramref name="syntax"/>: its own first, then the fallback it can be converted to.</summary>
    public static IReadOnlyList<string> SyntaxesFor(string syntax)
    {
        string explicitLE = TransferSyntax.ExplicitVRLittleEndian.Uid;
        string implicitLE = TransferSyntax.ImplicitVRLittleEndian.Uid;
        if (syntax == explicitLE)
        {
            return [explicitLE, implicitLE];
        }
        if (syntax == implicitLE)
        {
            return [implicitLE];
        }
        return CanConvert(syntax) ? [syntax, explicitLE] : [syntax];
    }

    /// <summary>True when a data set in <paramref name="syntax"/> can be re-encoded (it is a known, uncompressed syntax).</summary>
    internal static bool CanConvert(string syntax) => TransferSyntax.Find(syntax) is { IsEncapsulated: false };

    /// <summary>
    /// Connects to the SCP (TCP, then TLS when asked), sends the A-ASSOCIATE-RQ with <paramref name="contexts"/> and
    /// waits for the answer (under <see cref="DicomClientOptions.ArtimTimeout"/>).
    /// </summary>
    /// <exception cref="DicomAssociationRejectedException">The SCP sent an A-ASSOCIATE-RJ.</exception>
    /// <exception cref="DicomAssociationAbortedException">The SCP aborted or closed the connection instead of answering.</exception>
    /// <exception cref="DicomNetworkProtocolException">The answer broke PS3.8.</exception>
    /// <exception cref="TimeoutException">No connection or no answer in time.</exception>
    /// <exception cref="SocketException">The connection was refused or the host is unknown or unreachable.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The TLS handshake failed.</exception>
    public static async Task<DicomClientAssociation> ConnectAsync(DicomClientOptions options, IReadOnlyList<PresentationContextRequest> contexts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(contexts);
        Validate(options, contexts);

        Stream stream = await OpenStreamAsync(options, cancellationToken).ConfigureAwait(false);
        var limits = options.Limits with { MaxPduLength = options.MaxPduLength };
        var reader = new PduReader(stream, limits);
        try
        {
            var writer = new PduWriter(stream);
            var request = new AssociateRequestPdu(options.CalledAETitle.Trim(' '), options.CallingAETitle.Trim(' '), contexts, new UserInformation
            {
                MaxPduLength = options.MaxPduLength,
                ImplementationClassUid = PorticoImplementation.ClassUid,
                ImplementationVersionName = PorticoImplementation.VersionName,
            });
            Pdu? answer;
            using (var artim = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                artim.CancelAfter(options.ArtimTimeout);
                try
                {
                    await writer.WriteAsync(request, artim.Token).ConfigureAwait(false);
                    answer = await reader.ReadAsync(artim.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"{options.Host}:{options.Port} did not answer the association request within {options.ArtimTimeout.TotalSeconds:0.#} s.");
                }
            }

            switch (answer)
            {
                case AssociateAcceptPdu accept:
                    var association = new DicomClientAssociation(options, stream, reader, writer, contexts, accept);
                    stream = null!;
                    return association;
                case AssociateRejectPdu reject:
                    throw new DicomAssociationRejectedException(reject.Result, reject.Reason);
                case AbortPdu abort:
                    throw new DicomAssociationAbortedException(abort.Source, abort.Reason);
                case null:
                    throw new DicomAssociationAbortedException($"{options.Host}:{options.Port} closed the connection without answering the association request.");
                default:
                    await TryAbortAsync(writer).ConfigureAwait(false);
                    throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, $"The SCP answered the association request with {answer.Type}.");
            }
        }
        finally
        {
            if (stream is not null)
            {
                reader.Dispose();
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    internal static async Task TryAbortAsync(PduWriter writer)
    {
        using var shortWait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await writer.WriteAsync(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified), shortWait.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
        {
            // Best effort: the connection is closed right after.
        }
    }

    private static void Validate(DicomClientOptions options, IReadOnlyList<PresentationContextRequest> contexts)
    {
        if (!AETitle.IsValid(options.CalledAETitle))
        {
            throw new ArgumentException($"Called AE title '{options.CalledAETitle}' is not a valid AE title (1–16 characters, no backslash or control characters).", nameof(options));
        }
        if (!AETitle.IsValid(options.CallingAETitle))
        {
            throw new ArgumentException($"Calling AE title '{options.CallingAETitle}' is not a valid AE title (1–16 characters, no backslash or control characters).", nameof(options));
        }
        if (options.Port is <= 0 or > 65535)
        {
            throw new ArgumentException($"Port {options.Port} is outside 1–65535.", nameof(options));
        }
        if (contexts.Count is 0 or > MaxPresentationContexts)
        {
            throw new ArgumentException($"An association proposes 1–{MaxPresentationContexts} presentation contexts, not {contexts.Count}.", nameof(contexts));
        }
        var ids = new HashSet<byte>();
        foreach (PresentationContextRequest context in contexts)
        {
            if (context.Id % 2 == 0 || !ids.Add(context.Id))
            {
                throw new ArgumentException($"Presentation context id {context.Id} is even or repeated (PS3.8 §9.3.2.2: odd and unique).", nameof(contexts));
            }
            if (context.TransferSyntaxes.Count == 0)
            {
                throw new ArgumentException($"Presentation context {context.Id} proposes no transfer syntax.", nameof(contexts));
            }
        }
    }

    private static async Task<Stream> OpenStreamAsync(DicomClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connect.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, connect.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (!options.UseTls)
            {
                return stream;
            }
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            stream = tls;
            await tls.AuthenticateAsClientAsync(TlsOptions(options), connect.Token).ConfigureAwait(false);
            return tls;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await DisposeAsync(stream, socket).ConfigureAwait(false);
            throw new TimeoutException($"Could not connect to {options.Host}:{options.Port} within {options.ConnectTimeout.TotalSeconds:0.#} s.");
        }
        catch
        {
            await DisposeAsync(stream, socket).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task DisposeAsync(Stream? stream, Socket socket)
    {
        if (stream is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        socket.Dispose();
    }

    private static SslClientAuthenticationOptions TlsOptions(DicomClientOptions options)
    {
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = options.ServerName ?? options.Host,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (options.ClientCertificate is not null)
        {
            tls.ClientCertificates = [options.ClientCertificate];
        }
        if (options.ServerCertificateValidation is not null)
        {
            tls.RemoteCertificateValidationCallback = options.ServerCertificateValidation;
        }
        else if (options.TrustedCertificateAuthorities is { Count: > 0 } authorities)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(authorities);
            tls.CertificateChainPolicy = policy;
        }
        return tls;
    }

    private static string TrimUid(string uid)
    {
        ArgumentException.ThrowIfNullOrEmpty(uid);
        return uid.TrimEnd('\0', ' ');
    }
}
