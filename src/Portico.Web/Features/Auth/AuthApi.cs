using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Audit;
using Portico.Web.Security;

namespace Portico.Web.Features.Auth;

/// <summary><c>/api/auth</c>: cookie sign-in for the browser, sign-out, and who the caller is.</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/auth").WithTags("Authentication");
        api.MapPost("/sign-in", SignInAsync).AllowAnonymous().WithSummary("Sign in with e-mail and password (sets the session cookie).");
        api.MapPost("/sign-out", SignOutAsync).RequireAuthorization().WithSummary("End the session.");
        api.MapGet("/me", Me).RequireAuthorization().WithSummary("The caller and the permissions it holds.");
        return app;
    }

    public sealed record SignInRequest(string Email, string Password);

    public sealed record Caller(string Name, string Kind, string[] Permissions);

    private static async Task<Results<NoContent, ProblemHttpResult>> SignInAsync(SignInRequest request, PasswordSignIn signIn, HttpContext context) =>
        await signIn.SignInAsync(request.Email, request.Password, context.Connection.RemoteIpAddress?.ToString()) switch
        {
            SignInOutcome.SignedIn => TypedResults.NoContent(),
            SignInOutcome.LockedOut => TypedResults.Problem(PasswordSignIn.LockedOutMessage, statusCode: StatusCodes.Status423Locked, title: "Account locked"),
            SignInOutcome.RequiresTwoFactor => TypedResults.Problem("This account uses two-step verification: sign in on the sign-in page, or use an API key.", statusCode: StatusCodes.Status401Unauthorized, title: "Two-step verification required"),
            _ => Refused(),
        };

    private static async Task<NoContent> SignOutAsync(SignInManager<PorticoUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static Ok<Caller> Me(ClaimsPrincipal user) =>
        TypedResults.Ok(new Caller(
            user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? string.Empty,
            user.FindFirstValue(PorticoClaims.ActorKind) ?? "User",
            [.. user.FindAll(PorticoClaims.Permission).Select(c => c.Value).Order(StringComparer.Ordinal)]));

    private static ProblemHttpResult Refused() =>
        TypedResults.Problem(PasswordSignIn.RefusedMessage, statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in refused");
}
