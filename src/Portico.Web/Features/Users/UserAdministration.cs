using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Access;

namespace Portico.Web.Features.Users;

/// <summary>
/// Users and roles: the one place that lists and changes them, for <em>Settings &gt; Users &amp; Roles</em> and for
/// <c>/api/users</c> and <c>/api/roles</c>. Every change is audited. A change to someone's roles, a role's permissions,
/// or disabling an account renews the affected security stamps: their sessions end within a minute and they sign in
/// again with the new permissions.
/// </summary>
public sealed class UserAdministration(UserManager<PorticoUser> users, RoleManager<PorticoRole> roles, PorticoDbContext db, TimeProvider clock)
{
    public const string SignedInAction = "User.SignedIn";

    public async Task<IReadOnlyList<UserSummary>> ListUsersAsync(bool includeDisabled, CancellationToken cancellationToken)
    {
        List<PorticoUser> found = await db.Users.AsNoTracking()
            .Where(u => includeDisabled || !u.Disabled)
            .OrderBy(u => u.Email)
            .ToListAsync(cancellationToken);
        ILookup<Guid, string> roleNames = (await (
                from userRole in db.UserRoles
                join role in db.Roles on userRole.RoleId equals role.Id
                select new { userRole.UserId, role.Name })
            .ToListAsync(cancellationToken))
            .ToLookup(r => r.UserId, r => r.Name ?? "");
        List<string> emails = [.. found.Select(u => u.Email ?? "")];
        Dictionary<string, DateTime> lastSignIns = (await db.AuditEntries.AsNoTracking()
                .Where(a => a.Action == SignedInAction && emails.Contains(a.Target))
                .GroupBy(a => a.Target)
                .Select(g => new { Email = g.Key, At = g.Max(a => a.At) })
                .ToListAsync(cancellationToken))
            .ToDictionary(s => s.Email, s => s.At, StringComparer.OrdinalIgnoreCase);
        DateTimeOffset now = clock.GetUtcNow();
        return [.. found.Select(u => new UserSummary(
            u.Id,
            u.Email ?? u.UserName ?? "",
            string.IsNullOrWhiteSpace(u.DisplayName) ? null : u.DisplayName,
            [.. roleNames[u.Id].Order(StringComparer.Ordinal)],
            u.Disabled,
            u.TwoFactorEnabled,
            u.PasswordHash is not null,
            lastSignIns.TryGetValue(u.Email ?? "", out DateTime at) ? at : null,
            u.LockoutEnd > now ? u.LockoutEnd : null))];
    }

    public async Task<IReadOnlyList<RoleSummary>> ListRolesAsync(CancellationToken cancellationToken)
    {
        List<PorticoRole> all = await db.Roles.AsNoTracking().Include(r => r.Permissions).ToListAsync(cancellationToken);
        Dictionary<Guid, int> holders = await db.UserRoles.GroupBy(r => r.RoleId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return [.. all
            .Select(r => new RoleSummary(r.Id, r.Name ?? "", [.. Permissions.All.Where(p => r.Permissions.Any(rp => rp.Permission == p))], holders.GetValueOrDefault(r.Id)))
            .OrderBy(r => r.IsAdministrator ? 0 : 1)
            .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)];
    }

    public async Task<UserCreation> CreateUserAsync(ActingUser actor, CreateUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        string email = (request.Email ?? "").Trim();
        if (email.Length is 0 or > 256 || !email.Contains('@', StringComparison.Ordinal))
        {
            return new(AdminOutcome.Invalid("Enter the person's e-mail address."));
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return new(AdminOutcome.Conflict($"There is already a user with the e-mail {email}."));
        }

        if (await UnknownRoleAsync(request.Roles ?? [], cancellationToken) is { } unknown)
        {
            return new(AdminOutcome.Invalid($"There is no role named {unknown}."));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = new PorticoUser(email) { Email = email, EmailConfirmed = true, DisplayName = request.DisplayName?.Trim() ?? "" };
        bool invite = string.IsNullOrEmpty(request.Password);
        IdentityResult created = invite ? await users.CreateAsync(user) : await users.CreateAsync(user, request.Password!);
        if (!created.Succeeded)
        {
            return new(AdminOutcome.Invalid(Describe(created)));
        }

        IdentityResult added = await users.AddToRolesAsync(user, request.Roles ?? []);
        if (!added.Succeeded)
        {
            return new(AdminOutcome.Invalid(Describe(added)));
        }

        string? invitation = invite ? await InvitationPathAsync(user) : null;
        db.AuditEntries.Add(actor.Audit(clock, "User.Created", email, Json(new { roles = request.Roles ?? [], invitation = invite })));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(AdminOutcome.Done, user.Id, invitation);
    }

    /// <summary>A new invitation link for a user (the earlier one stops working when the new password is set).</summary>
    public async Task<(AdminOutcome Outcome, string? InvitationPath)> InviteAgainAsync(ActingUser actor, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (await users.FindByIdAsync(userId.ToString()) is not { } user)
        {
            return (NoSuchUser, null);
        }

        string path = await InvitationPathAsync(user);
        db.AuditEntries.Add(actor.Audit(clock, "User.Invited", user.Email ?? user.Id.ToString(), null));
        await db.SaveChangesAsync(cancellationToken);
        return (AdminOutcome.Done, path);
    }

    public async Task<AdminOutcome> UpdateUserAsync(ActingUser actor, Guid userId, UpdateUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        if (await users.FindByIdAsync(userId.ToString()) is not { } user)
        {
            return NoSuchUser;
        }

        string target = user.Email ?? user.Id.ToString();
        IList<string> current = await users.GetRolesAsync(user);
        bool isAdministrator = current.Contains(DefaultRoles.Administrator) && !user.Disabled;
        bool otherAdministrators = await OtherEnabledAdministratorExistsAsync(user.Id, cancellationToken);
        if (request.Disabled == true && !user.Disabled)
        {
            if (actor.Is(user.Id))
            {
                return AdminOutcome.Conflict("You cannot disable your own account.");
            }

            if (isAdministrator && !otherAdministrators)
            {
                return AdminOutcome.Conflict(LastAdministrator);
            }
        }

        string[]? newRoles = request.Roles?.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (newRoles is not null)
        {
            if (await UnknownRoleAsync(newRoles, cancellationToken) is { } unknown)
            {
                return AdminOutcome.Invalid($"There is no role named {unknown}.");
            }

            if (isAdministrator && !otherAdministrators && !newRoles.Contains(DefaultRoles.Administrator, StringComparer.OrdinalIgnoreCase))
            {
                return AdminOutcome.Conflict(LastAdministrator);
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        bool renewStamp = false;
        if (newRoles is not null)
        {
            // Role names as stored, so that comparisons below see the same spelling.
            newRoles = [.. await db.Roles.Where(r => newRoles.Contains(r.Name!)).Select(r => r.Name!).ToListAsync(cancellationToken)];
            string[] removed = [.. current.Except(newRoles, StringComparer.OrdinalIgnoreCase)];
            string[] added = [.. newRoles.Except(current, StringComparer.OrdinalIgnoreCase)];
            if (removed.Length > 0 || added.Length > 0)
            {
                IdentityResult result = await users.RemoveFromRolesAsync(user, removed);
                result = result.Succeeded ? await users.AddToRolesAsync(user, added) : result;
                if (!result.Succeeded)
                {
                    return AdminOutcome.Invalid(Describe(result));
                }

                db.AuditEntries.Add(actor.Audit(clock, "User.RolesChanged", target, Json(new { from = current.Order(StringComparer.Ordinal), to = newRoles.Order(StringComparer.Ordinal) })));
                renewStamp = true;
            }
        }

        if (request.Disabled is { } disabled && disabled != user.Disabled)
        {
            user.Disabled = disabled;
            db.AuditEntries.Add(actor.Audit(clock, disabled ? "User.Disabled" : "User.Enabled", target, null));
            renewStamp = true;
        }

        if (request.DisplayName is { } name && name.Trim() != user.DisplayName)
        {
            db.AuditEntries.Add(actor.Audit(clock, "User.Renamed", target, Json(new { from = user.DisplayName, to = name.Trim() })));
            user.DisplayName = name.Trim();
        }

        IdentityResult updated = renewStamp ? await users.UpdateSecurityStampAsync(user) : await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return AdminOutcome.Invalid(Describe(updated));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AdminOutcome.Done;
    }

    /// <summary>Ends a lockout after too many failed attempts.</summary>
    public Task<AdminOutcome> UnlockAsync(ActingUser actor, Guid userId, CancellationToken cancellationToken) =>
        ChangeUserAsync(actor, userId, "User.Unlocked", async user =>
        {
            IdentityResult result = await users.SetLockoutEndDateAsync(user, null);
            return result.Succeeded ? await users.ResetAccessFailedCountAsync(user) : result;
        }, cancellationToken);

    /// <summary>Turns two-step verification off and forgets the authenticator key (for a lost phone).</summary>
    public Task<AdminOutcome> ResetTwoStepAsync(ActingUser actor, Guid userId, CancellationToken cancellationToken) =>
        ChangeUserAsync(actor, userId, "User.TwoStepReset", async user =>
        {
            IdentityResult result = await users.SetTwoFactorEnabledAsync(user, false);
            return result.Succeeded ? await Auth.AuthenticatorSetup.ForgetKeyAsync(users, user) : result;
        }, cancellationToken);

    public async Task<(AdminOutcome Outcome, Guid? RoleId)> CreateRoleAsync(ActingUser actor, RoleRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Validate(request) is { } invalid)
        {
            return (invalid, null);
        }

        if (await roles.FindByNameAsync(request.Name.Trim()) is not null)
        {
            return (AdminOutcome.Conflict($"There is already a role named {request.Name.Trim()}."), null);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var role = new PorticoRole(request.Name.Trim());
        IdentityResult created = await roles.CreateAsync(role);
        if (!created.Succeeded)
        {
            return (AdminOutcome.Invalid(Describe(created)), null);
        }

        string[] permissions = Normalize(request.Permissions);
        db.RolePermissions.AddRange(permissions.Select(p => new RolePermission { RoleId = role.Id, Permission = p }));
        db.AuditEntries.Add(actor.Audit(clock, "Role.Created", role.Name!, Json(new { permissions })));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (AdminOutcome.Done, role.Id);
    }

    public async Task<AdminOutcome> UpdateRoleAsync(ActingUser actor, Guid roleId, RoleRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        if (await db.Roles.Include(r => r.Permissions).FirstOrDefaultAsync(r => r.Id == roleId, cancellationToken) is not { } role)
        {
            return NoSuchRole;
        }

        string name = request.Name.Trim();
        string[] permissions = Normalize(request.Permissions);
        string[] before = [.. Permissions.All.Where(p => role.Permissions.Any(rp => rp.Permission == p))];
        if (role.Id == DefaultRoles.AdministratorId && (name != role.Name || permissions.Length != Permissions.All.Count))
        {
            return AdminOutcome.Conflict("The Administrator role keeps its name and every permission.");
        }

        if (name != role.Name && await roles.FindByNameAsync(name) is { } other && other.Id != role.Id)
        {
            return AdminOutcome.Conflict($"There is already a role named {name}.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (name != role.Name)
        {
            db.AuditEntries.Add(actor.Audit(clock, "Role.Renamed", role.Name!, Json(new { from = role.Name, to = name })));
            await roles.SetRoleNameAsync(role, name);
            IdentityResult renamed = await roles.UpdateAsync(role);
            if (!renamed.Succeeded)
            {
                return AdminOutcome.Invalid(Describe(renamed));
            }
        }

        if (!before.SequenceEqual(permissions))
        {
            foreach (RolePermission gone in role.Permissions.Where(rp => !permissions.Contains(rp.Permission)).ToList())
            {
                role.Permissions.Remove(gone);
                db.RolePermissions.Remove(gone);
            }

            foreach (string added in permissions.Except(before))
            {
                db.RolePermissions.Add(new RolePermission { RoleId = role.Id, Permission = added });
            }

            db.AuditEntries.Add(actor.Audit(clock, "Role.PermissionsChanged", name, Json(new { from = before, to = permissions })));
            await RenewStampsOfHoldersAsync(role.Id, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AdminOutcome.Done;
    }

    public async Task<AdminOutcome> DeleteRoleAsync(ActingUser actor, Guid roleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (await roles.FindByIdAsync(roleId.ToString()) is not { } role)
        {
            return NoSuchRole;
        }

        if (role.Id == DefaultRoles.AdministratorId)
        {
            return AdminOutcome.Conflict("The Administrator role cannot be deleted.");
        }

        int holders = await db.UserRoles.CountAsync(r => r.RoleId == roleId, cancellationToken);
        if (holders > 0)
        {
            return AdminOutcome.Conflict(holders == 1
                ? $"1 user holds the role {role.Name}: take it away from them first."
                : $"{holders} users hold the role {role.Name}: take it away from them first.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.RolePermissions.Where(p => p.RoleId == roleId).ExecuteDeleteAsync(cancellationToken);
        IdentityResult deleted = await roles.DeleteAsync(role);
        if (!deleted.Succeeded)
        {
            return AdminOutcome.Invalid(Describe(deleted));
        }

        db.AuditEntries.Add(actor.Audit(clock, "Role.Deleted", role.Name!, null));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AdminOutcome.Done;
    }

    private const string LastAdministrator = "This is the last enabled administrator: make someone else an administrator first.";

    private static readonly AdminOutcome NoSuchUser = AdminOutcome.NotFound("There is no such user.");

    private static readonly AdminOutcome NoSuchRole = AdminOutcome.NotFound("There is no such role.");

    private async Task<AdminOutcome> ChangeUserAsync(ActingUser actor, Guid userId, string action, Func<PorticoUser, Task<IdentityResult>> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (await users.FindByIdAsync(userId.ToString()) is not { } user)
        {
            return NoSuchUser;
        }

        IdentityResult result = await change(user);
        if (!result.Succeeded)
        {
            return AdminOutcome.Invalid(Describe(result));
        }

        db.AuditEntries.Add(actor.Audit(clock, action, user.Email ?? user.Id.ToString(), null));
        await db.SaveChangesAsync(cancellationToken);
        return AdminOutcome.Done;
    }

    private async Task<string> InvitationPathAsync(PorticoUser user)
    {
        string token = await users.GeneratePasswordResetTokenAsync(user);
        return $"/account/accept-invite?email={Uri.EscapeDataString(user.Email!)}&token={Uri.EscapeDataString(token)}";
    }

    private Task<bool> OtherEnabledAdministratorExistsAsync(Guid exceptUserId, CancellationToken cancellationToken) =>
        (from userRole in db.UserRoles
         join user in db.Users on userRole.UserId equals user.Id
         where userRole.RoleId == DefaultRoles.AdministratorId && !user.Disabled && user.Id != exceptUserId
         select user.Id).AnyAsync(cancellationToken);

    private async Task RenewStampsOfHoldersAsync(Guid roleId, CancellationToken cancellationToken)
    {
        List<PorticoUser> holders = await (
                from userRole in db.UserRoles
                join user in db.Users on userRole.UserId equals user.Id
                where userRole.RoleId == roleId
                select user)
            .ToListAsync(cancellationToken);
        foreach (PorticoUser holder in holders)
        {
            await users.UpdateSecurityStampAsync(holder);
        }
    }

    private async Task<string?> UnknownRoleAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        List<string> known = await db.Roles.Select(r => r.Name!).ToListAsync(cancellationToken);
        return names.FirstOrDefault(n => !known.Contains(n.Trim(), StringComparer.OrdinalIgnoreCase));
    }

    private static AdminOutcome? Validate(RoleRequest? request)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 64)
        {
            return AdminOutcome.Invalid("Enter a role name of at most 64 characters.");
        }

        return (request.Permissions ?? []).FirstOrDefault(p => !Permissions.All.Contains(p)) is { } unknown
            ? AdminOutcome.Invalid($"There is no permission named {unknown}.")
            : null;
    }

    /// <summary>Known permissions in the order of <see cref="Permissions.All"/>, once each.</summary>
    private static string[] Normalize(IReadOnlyList<string>? permissions) =>
        [.. Permissions.All.Where(p => (permissions ?? []).Contains(p))];

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
