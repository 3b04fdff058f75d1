using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Portico.Dicom.Network;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Scu;
using Portico.Dicom.Network.Services;
using Portico.Index;
using Portico.Index.Dicom;
using static Portico.Web.Features.DicomNetwork.EchoApi;

namespace Portico.Web.Features.DicomNetwork;

/// <summary>
/// <i>Test connection</i>: a C-ECHO to a DICOM Identity's host and port, for <see cref="EchoApi"/> and the identity page.
/// </summary>
public sealed class DicomConnectionTest(DicomSender sender, IServiceScopeFactory scopes)
{
    /// <summary>The message when the identity has nowhere to call.</summary>
    public const string NoHostMessage = "This DICOM Identity has no host and port to call: set them first.";

    /// <summary>What came of a test: no such identity, no host and port to call, or the C-ECHO's answer.</summary>
    public sealed record Outcome(bool Found, bool HasTarget, EchoResult Result);

    /// <summary>The C-ECHO's answer: success, or the reason in words (<see cref="NoHostMessage"/> without host and port).</summary>
    public async Task<Outcome> EchoAsync(Guid identityId, CancellationToken cancellationToken)
    {
        DicomIdentityTarget? destination = await sender.FindDestinationAsync(identityId, cancellationToken);
        if (destination is null)
        {
            await using AsyncServiceScope scope = scopes.CreateAsyncScope();
            PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            if (!await db.DicomIdentities.AnyAsync(i => i.Id == new DicomIdentityId(identityId), cancellationToken))
            {
                return new Outcome(false, false, new EchoResult(false, null, null, "This DICOM Identity no longer exists."));
            }

            return new Outcome(true, false, new EchoResult(false, null, null, NoHostMessage));
        }

        long started = Stopwatch.GetTimestamp();
        try
        {
            PresentationContextRequest[] contexts = [DicomClient.VerificationContext];
            await using DicomClientAssociation association = await DicomClient.ConnectAsync(sender.ClientOptions(destination), contexts, cancellationToken);
            DimseResult result = await association.EchoAsync(cancellationToken);
            await association.ReleaseAsync(cancellationToken);
            double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return new Outcome(true, true, new EchoResult(result.Status == 0, result.Status.ToString("X4", System.Globalization.CultureInfo.InvariantCulture), ms, result.ErrorComment));
        }
        catch (Exception ex) when (ex is DicomAssociationRejectedException or DicomNetworkProtocolException or IOException or SocketException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            return new Outcome(true, true, new EchoResult(false, null, null, ex.Message));
        }
    }
}
