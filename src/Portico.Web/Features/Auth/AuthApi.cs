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

    private static async Task<Results<NoContent, ProblemHttpResult>> SignInAsync(
        SignInRequest request,
        SignInManager<PorticoUser> signIn,
        UserManager<PorticoUser> users,
        PorticoDbContext db,
        TimeProvider clock,
        HttpContext context)
    {
        PorticoUser? user = await users.FindByEmailAsync(request.Email);
        if (user is null || user.Disabled)
        {
            return Refused();
        }

        SignInResult result = await signIn.PasswordSignInAsync(user, request.Password, isPersistent: false, lockoutOnFailure: true);
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            Actor = user.Email ?? user.Id.ToString(),
            ActorKind = ActorKind.User,
            Action = result.Succeeded ? "User.SignedIn" : result.IsLockedOut ? "User.LockedOut" : "User.SignInFailed",
            Target = user.Email ?? user.Id.ToString(),
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
        });
        await db.SaveChangesAsync();
        if (result.IsLockedOut)
        {
            return TypedResults.Problem("Too many failed attempts: the account is locked for a while.", statusCode: StatusCodes.Status423Locked, title: "Account locked");
        }

        return result.Succeeded ? TypedResults.NoContent() : Refused();
    }

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
        TypedResults.Problem("The e-mail or password is not right.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in refused");
}
