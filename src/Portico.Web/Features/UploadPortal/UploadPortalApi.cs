using System.Net.Mail;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.UploadPortal;
using Portico.Web.Security;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// Upload codes (<c>/api/upload-codes</c>), the portal's settings (<c>/api/upload-portal/settings</c>), both for
/// <c>UploadPortal.Manage</c>, and the public code check that opens a portal session (<c>/api/portal/session</c>).
/// </summary>
public static class UploadPortalApi
{
    public static IEndpointRouteBuilder MapUploadPortalApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder codes = app.MapGroup("/api/upload-codes").WithTags("Upload Portal").RequireAuthorization(Permissions.UploadPortalManage);
        codes.MapPost("/", CreateAsync).WithName("CreateUploadCode")
            .WithSummary("Creates an upload code: the answer is the only place the code ever appears (only its hash is stored). Audited.");
        codes.MapGet("/", ListAsync).WithName("ListUploadCodes").WithSummary("Upload codes, newest first, with status (Active, Used, Expired, Revoked), uses and last use.");
        codes.MapPost("/{id:guid}/revoke", RevokeAsync).WithName("RevokeUploadCode").WithSummary("Revokes an upload code (audited).");

        RouteGroupBuilder settings = app.MapGroup("/api/upload-portal/settings").WithTags("Upload Portal").RequireAuthorization(Permissions.UploadPortalManage);
        settings.MapGet("/", GetSettingsAsync).WithName("GetUploadPortalSettings").WithSummary("The portal's institution details, texts and limits.");
        settings.MapPut("/", PutSettingsAsync).WithName("PutUploadPortalSettings").WithSummary("Changes the portal's settings (audited).");

        app.MapPost("/api/portal/session", RedeemAsync).WithTags("Upload Portal").AllowAnonymous().WithName("OpenPortalSession")
            .WithSummary("Public: checks an upload code and opens a portal session (an HttpOnly cookie). Every wrong code gets the same answer; repeated failures from one address are slowed, then locked out for 15 minutes.");
        app.MapPortalSessionApi();
        app.MapStudyAttachmentsApi();
        return app;
    }

    public sealed record RedeemRequest(string? Code);

    public sealed record SettingsDto(
        string InstitutionName,
        string Phone,
        string Email,
        string ManualUrl,
        string PrivacyPolicy,
        string ConsentText,
        long MaxSessionBytes,
        int MaxStudiesPerSession,
        int DefaultCodeValidityDays,
        int MaxCodeValidityDays,
        bool AllowUnscannedUploads);

    private static async Task<Results<Created<UploadCodeService.Created>, ValidationProblem>> CreateAsync(
        UploadCodeService.CreateRequest request, UploadCodeService service, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        (UploadCodeService.Created? created, Dictionary<string, string[]>? errors) = await service.CreateAsync(request, user, context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return created is null ? TypedResults.ValidationProblem(errors!) : TypedResults.Created($"/api/upload-codes/{created.Row.Id}", created);
    }

    private static async Task<Ok<IReadOnlyList<UploadCodeService.CodeRow>>> ListAsync(UploadCodeService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ListAsync(cancellationToken));

    private static async Task<Results<NoContent, NotFound>> RevokeAsync(Guid id, UploadCodeService service, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        await service.RevokeAsync(new UploadCodeId(id), user, context.Connection.RemoteIpAddress?.ToString(), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<PortalSessionService.Info>, ProblemHttpResult>> RedeemAsync(
        RedeemRequest request, UploadCodeService service, PortalSessionService sessions, RedeemThrottle throttle, HttpContext context, CancellationToken cancellationToken)
    {
        string address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!await sessions.IsAvailableAsync(cancellationToken))
        {
            return TypedResults.Problem(PortalSessionService.UnavailableMessage, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Upload Portal not available");
        }

        if (throttle.LockedUntil(address) is not null)
        {
            return TypedResults.Problem(UploadCodeService.LockedOutMessage, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts");
        }

        TimeSpan delay = throttle.DelayFor(address);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken);
        }

        UploadCode? code = await service.RedeemAsync(request.Code, address, cancellationToken);
        if (code is null)
        {
            return throttle.Failed(address)
                ? TypedResults.Problem(UploadCodeService.LockedOutMessage, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts")
                : TypedResults.Problem(UploadCodeService.InvalidCodeMessage, statusCode: StatusCodes.Status401Unauthorized, title: "Upload code not valid");
        }

        throttle.Succeeded(address);
        Index.UploadPortal.PortalSession session = await sessions.OpenAsync(code, request.Code!, address, cancellationToken);
        PortalAuthenticationHandler.IssueCookie(context, session.Id, new DateTimeOffset(session.ExpiresAt, TimeSpan.Zero));
        return TypedResults.Ok(sessions.InfoOf(await service.SettingsAsync(cancellationToken), session.State));
    }

    private static async Task<Ok<SettingsDto>> GetSettingsAsync(UploadCodeService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToDto(await service.SettingsAsync(cancellationToken)));

    private static async Task<Results<Ok<SettingsDto>, ValidationProblem>> PutSettingsAsync(
        SettingsDto request, UploadCodeService service, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        if (Validate(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        UploadPortalSettings row = await service.SaveSettingsAsync(request, user, context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return TypedResults.Ok(ToDto(row));
    }

    internal static Dictionary<string, string[]> Validate(SettingsDto s)
    {
        var errors = new Dictionary<string, string[]>();
        if (s.MaxSessionBytes is < 0 or > UploadPortalSettings.MaxSessionBytesLimit)
        {
            errors["maxSessionBytes"] = ["The size limit per upload session is between 0 and 10 GB."];
        }

        if (s.MaxStudiesPerSession is < 1 or > 100)
        {
            errors["maxStudiesPerSession"] = ["The number of studies per upload session is between 1 and 100."];
        }

        if (s.MaxCodeValidityDays is < 1 or > 365 || s.DefaultCodeValidityDays < 1 || s.DefaultCodeValidityDays > s.MaxCodeValidityDays)
        {
            errors["defaultCodeValidityDays"] = ["Codes are valid for 1 to 365 days, and the default cannot exceed the maximum."];
        }

        if (s.Email.Length > 0 && !MailAddress.TryCreate(s.Email.Trim(), out _))
        {
            errors["email"] = ["Enter an e-mail address such as imaging@hospital.example."];
        }

        if (s.ManualUrl.Length > 0 && !(Uri.TryCreate(s.ManualUrl.Trim(), UriKind.Absolute, out Uri? manual) && manual.Scheme is "https" or "http"))
        {
            errors["manualUrl"] = ["The manual link must be an http:// or https:// address, or empty for Portico's own manual."];
        }

        if (s.InstitutionName.Length is 0 or > 256)
        {
            errors["institutionName"] = ["The institution's name is required (at most 256 characters)."];
        }

        return errors;
    }

    internal static SettingsDto ToDto(UploadPortalSettings s) =>
        new(s.InstitutionName, s.Phone, s.Email, s.ManualUrl, s.PrivacyPolicy, s.ConsentText, s.MaxSessionBytes, s.MaxStudiesPerSession, s.DefaultCodeValidityDays, s.MaxCodeValidityDays, s.AllowUnscannedUploads);
}
