using Microsoft.AspNetCore.Identity;
using Portico.Index;
using Portico.Index.Access;
using Portico.Web.Security;

namespace Portico.Web.Features.Auth;

/// <summary>The sign-out form post of the web app (the layout's account menu and the inactivity timer), and the timer's keep-alive.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/sign-out", SignOutAsync).ExcludeFromDescription().AllowAnonymous();
        // The inactivity timer's keep-alive: while the user is active, a request now and then slides the session cookie
        // (the page's own traffic goes over the circuit, which does not renew it).
        app.MapGet("/api/auth/keep-alive", () => Results.NoContent()).ExcludeFromDescription().RequireAuthorization();
        return app;
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, SignInManager<PorticoUser> signIn, PorticoDbContext db, TimeProvider clock, string? reason)
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            db.AuditEntries.Add(AuditRecords.Create(context.User, context, clock, "User.SignedOut", context.User.Actor(), reason == "inactive" ? "after inactivity" : null));
            await db.SaveChangesAsync(context.RequestAborted);
            await signIn.SignOutAsync();
        }

        return Results.LocalRedirect(reason == "inactive" ? "/account/sign-in?reason=inactive" : "/account/sign-in");
    }
}
