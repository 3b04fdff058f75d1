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

    /// <summary>The two-step page was opened without a recent password sign-in (or it is more than 5 minutes old).</summary>
    TwoStepExpired,
}

/// <summary>
/// E-mail and password sign-in, shared by the sign-in page and <c>POST /api/auth/sign-in</c>, and its second step (an
/// authenticator code or a recovery code) on the two-step page. Every attempt is audited; wrong passwords and wrong
/// codes count towards the lockout.
/// </summary>
public sealed class PasswordSignIn(SignInManager<PorticoUser> signIn, UserManager<PorticoUser> users, PorticoDbContext db, TimeProvider clock)
{
    public const string RefusedMessage = "The e-mail or password is not right.";
    public const string LockedOutMessage = "Too many failed attempts: the account is locked for a while. Try again later or ask an administrator.";
    public const string WrongCodeMessage = "The code is not right. Check the time on your phone and try the newest code.";
    public const string TwoStepExpiredMessage = "Sign in again: the two-step sign-in was not finished within 5 minutes.";

    public async Task<SignInOutcome> SignInAsync(string email, string password, string? remoteAddress)
    {
        PorticoUser? user = await users.FindByEmailAsync(email).ConfigureAwait(false);
        if (user is null || user.Disabled)
        {
            return SignInOutcome.Refused;
        }

        SignInResult result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true).ConfigureAwait(false);
        await AuditAsync(user, result, result.RequiresTwoFactor ? "User.PasswordAccepted" : "User.SignInFailed", remoteAddress, null).ConfigureAwait(false);
        return result.Succeeded ? SignInOutcome.SignedIn
            : result.RequiresTwoFactor ? SignInOutcome.RequiresTwoFactor
            : result.IsLockedOut ? SignInOutcome.LockedOut
            : SignInOutcome.Refused;
    }

    /// <summary>The second step: a 6-digit code of the authenticator app, or one of the recovery codes (used up).</summary>
    public async Task<SignInOutcome> TwoStepSignInAsync(string code, bool recoveryCode, string? remoteAddress)
    {
        PorticoUser? user = await signIn.GetTwoFactorAuthenticationUserAsync().ConfigureAwait(false);
        if (user is null || user.Disabled)
        {
            return SignInOutcome.TwoStepExpired;
        }

        string cleaned = string.Concat((code ?? "").Where(c => !char.IsWhiteSpace(c) && (recoveryCode || c != '-')));
        // Identity counts wrong authenticator codes towards the lockout, not wrong recovery codes: done here alike.
        SignInResult result = !recoveryCode
            ? await signIn.TwoFactorAuthenticatorSignInAsync(cleaned, isPersistent: false, rememberClient: false).ConfigureAwait(false)
            : await users.IsLockedOutAsync(user).ConfigureAwait(false) ? SignInResult.LockedOut
            : await signIn.TwoFactorRecoveryCodeSignInAsync(cleaned).ConfigureAwait(false);
        if (recoveryCode && !result.Succeeded && !result.IsLockedOut)
        {
            await users.AccessFailedAsync(user).ConfigureAwait(false);
            result = await users.IsLockedOutAsync(user).ConfigureAwait(false) ? SignInResult.LockedOut : result;
        }

        await AuditAsync(user, result, "User.TwoStepFailed", remoteAddress, recoveryCode ? "{\"twoStep\":\"recovery code\"}" : "{\"twoStep\":\"authenticator\"}").ConfigureAwait(false);
        return result.Succeeded ? SignInOutcome.SignedIn
            : result.IsLockedOut ? SignInOutcome.LockedOut
            : SignInOutcome.Refused;
    }

    private async Task AuditAsync(PorticoUser user, SignInResult result, string otherwise, string? remoteAddress, string? details)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            Actor = user.Email ?? user.Id.ToString(),
            ActorKind = ActorKind.User,
            Action = result.Succeeded ? "User.SignedIn" : result.IsLockedOut ? "User.LockedOut" : otherwise,
            Target = user.Email ?? user.Id.ToString(),
            Details = details,
            RemoteAddress = remoteAddress,
        });
        await db.SaveChangesAsync().ConfigureAwait(false);
    }
}
