using Microsoft.AspNetCore.Identity;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Audit;

namespace Portico.Web.Features.Auth;

/// <summary>How a password sign-in ended.</summary>
public enum SignInOutcome
{
    SignedIn,
    Refused,
    LockedOut,
    RequiresTwoFactor,
}

/// <summary>E-mail and password sign-in, shared by the sign-in page and <c>POST /api/auth/sign-in</c>; every attempt is audited.</summary>
public sealed class PasswordSignIn(SignInManager<PorticoUser> signIn, UserManager<PorticoUser> users, PorticoDbContext db, TimeProvider clock)
{
    public const string RefusedMessage = "The e-mail or password is not right.";
    public const string LockedOutMessage = "Too many failed attempts: the account is locked for a while. Try again later or ask an administrator.";

    public async Task<SignInOutcome> SignInAsync(string email, string password, string? remoteAddress)
    {
        PorticoUser? user = await users.FindByEmailAsync(email).ConfigureAwait(false);
        if (user is null || user.Disabled)
        {
            return SignInOutcome.Refused;
        }

        SignInResult result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true).ConfigureAwait(false);
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            Actor = user.Email ?? user.Id.ToString(),
            ActorKind = ActorKind.User,
            Action = result.Succeeded ? "User.SignedIn"
                : result.RequiresTwoFactor ? "User.PasswordAccepted"
                : result.IsLockedOut ? "User.LockedOut"
                : "User.SignInFailed",
            Target = user.Email ?? user.Id.ToString(),
            RemoteAddress = remoteAddress,
        });
        await db.SaveChangesAsync().ConfigureAwait(false);
        return result.Succeeded ? SignInOutcome.SignedIn
            : result.RequiresTwoFactor ? SignInOutcome.RequiresTwoFactor
            : result.IsLockedOut ? SignInOutcome.LockedOut
            : SignInOutcome.Refused;
    }
}
