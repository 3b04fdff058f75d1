using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portico.Dicom.Network;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Scu;
using Portico.Dicom.Network.Services;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Dicom;

namespace Portico.Web.Features.DicomNetwork;

/// <summary><c>POST /api/dicom-identities/{id}/echo</c>: the identity page's <i>Test connection</i> (C-ECHO SCU).</summary>
public static class EchoApi
{
    public static IEndpointRouteBuilder MapEchoApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/dicom-identities/{id:guid}/echo", EchoAsync).WithTags("DICOM").RequireAuthorization(Permissions.IntegrationsDicom)
            .WithName("EchoDicomIdentity").WithSummary("Verifies the connection to the identity's host and port with a C-ECHO; says why when it fails.");
        return app;
    }

    /// <summary>The answer: success, or the reason in words (refused and why, unreachable, timed out).</summary>
    public sealed record EchoResult(bool Success, string? Status, double? RoundTripMilliseconds, string? Error);

    private static async Task<Results<Ok<EchoResult>, NotFound, ValidationProblem>> EchoAsync(
        Guid id, DicomSender sender, PorticoDbContext db, CancellationToken cancellationToken)
    {
        DicomIdentityTarget? destination = await sender.FindDestinationAsync(id, cancellationToken);
        if (destination is null)
        {
            if (!await db.DicomIdentities.AnyAsync(i => i.Id == new DicomIdentityId(id), cancellationToken))
            {
                return TypedResults.NotFound();
            }

            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["host"] = ["This DICOM Identity has no host and port to call: set them first."] });
        }

        long started = Stopwatch.GetTimestamp();
        try
        {
            PresentationContextRequest[] contexts = [DicomClient.VerificationContext];
            await using DicomClientAssociation association = await DicomClient.ConnectAsync(sender.ClientOptions(destination), contexts, cancellationToken);
            DimseResult result = await association.EchoAsync(cancellationToken);
            await association.ReleaseAsync(cancellationToken);
            double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return TypedResults.Ok(new EchoResult(result.Status == 0, result.Status.ToString("X4", System.Globalization.CultureInfo.InvariantCulture), ms, result.ErrorComment));
        }
        catch (Exception ex) when (ex is DicomAssociationRejectedException or DicomNetworkProtocolException or IOException or SocketException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            return TypedResults.Ok(new EchoResult(false, null, null, ex.Message));
        }
    }
}
