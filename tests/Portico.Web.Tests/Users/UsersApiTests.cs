using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Access;
using Portico.Web.Features.Users;
using Xunit;

namespace Portico.Web.Tests.Users;

/// <summary><c>/api/users</c>, <c>/api/roles</c> and <c>/api/settings/security</c>: permission, audit, the administrator's protections.</summary>
public sealed class UsersApiTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UsersAndRoles_WithoutUsersManage_AreRefused()
    {
        string key = await factory.CreateKeyAsync([.. Permissions.All.Where(p => p != Permissions.UsersManage)]);
        using HttpClient client = factory.ClientWithKey(key);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/users", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/users", new CreateUserRequest("x@test.local", null, [DefaultRoles.Viewer], null), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/roles", new RoleRequest("Refused", [Permissions.StudiesView]), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync("/api/settings/security", new UsersApi.SecuritySettingsRequest(10), Token)).StatusCode);
        Assert.False(await WithDbAsync(db => db.Users.AnyAsync(u => u.Email == "x@test.local", Token)));
        Assert.False(await WithDbAsync(db => db.Roles.AnyAsync(r => r.Name == "Refused", Token)));
    }

    [Fact]
    public async Task CreateUser_WithoutPassword_ReturnsAnInvitationLinkAndIsAudited()
    {
        using HttpClient admin = factory.Admin();
        HttpResponseMessage response = await admin.PostAsJsonAsync("/api/users", new CreateUserRequest("invited@test.local", "Dr Invited", [DefaultRoles.Physician], null), Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        UsersApi.CreatedUser created = (await response.Content.ReadFromJsonAsync<UsersApi.CreatedUser>(Token))!;
        Assert.StartsWith("/account/accept-invite?email=invited%40test.local&token=", created.InvitationPath, StringComparison.Ordinal);
        UserSummary listed = Assert.Single((await admin.GetFromJsonAsync<UserSummary[]>("/api/users", Token))!, u => u.Id == created.Id);
        Assert.Equal(["Physician"], listed.Roles);
        Assert.False(listed.HasPassword);
        Assert.True(await WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "User.Created" && a.Target == "invited@test.local", Token)));
    }

    [Fact]
    public async Task CreateUser_ShortPassword_IsRefusedWithIdentitysReason()
    {
        using HttpClient admin = factory.Admin();
        HttpResponseMessage response = await admin.PostAsJsonAsync("/api/users", new CreateUserRequest("short@test.local", null, [DefaultRoles.Viewer], "too short"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("12 characters", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.False(await WithDbAsync(db => db.Users.AnyAsync(u => u.Email == "short@test.local", Token)));
    }

    [Fact]
    public async Task UpdateUser_LastAdministrator_CannotLoseTheRoleOrBeDisabled()
    {
        using HttpClient admin = factory.Admin();
        UserSummary administrator = (await admin.GetFromJsonAsync<UserSummary[]>("/api/users", Token))!.Single(u => u.Email == "admin@test.local");

        HttpResponseMessage demote = await admin.PutAsJsonAsync($"/api/users/{administrator.Id}", new UpdateUserRequest([DefaultRoles.Viewer], null), Token);
        HttpResponseMessage disable = await admin.PutAsJsonAsync($"/api/users/{administrator.Id}", new UpdateUserRequest(null, true), Token);

        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
        Assert.Contains("last enabled administrator", await demote.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, disable.StatusCode);
        UserSummary after = (await admin.GetFromJsonAsync<UserSummary[]>("/api/users", Token))!.Single(u => u.Id == administrator.Id);
        Assert.Contains(DefaultRoles.Administrator, after.Roles);
        Assert.False(after.Disabled);
    }

    [Fact]
    public async Task UpdateUser_RolesAndDisabled_AreSavedAuditedAndRenewTheSecurityStamp()
    {
        using HttpClient admin = factory.Admin();
        Guid id = await CreateAsync(admin, "changed@test.local", DefaultRoles.Viewer);
        string? stampBefore = await WithDbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.SecurityStamp).SingleAsync(Token));

        HttpResponseMessage response = await admin.PutAsJsonAsync($"/api/users/{id}", new UpdateUserRequest([DefaultRoles.Technician], true), Token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        UserSummary after = (await admin.GetFromJsonAsync<UserSummary[]>("/api/users?includeDisabled=true", Token))!.Single(u => u.Id == id);
        Assert.Equal(["Technician"], after.Roles);
        Assert.True(after.Disabled);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<UserSummary[]>("/api/users", Token))!, u => u.Id == id);
        Assert.NotEqual(stampBefore, await WithDbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.SecurityStamp).SingleAsync(Token)));
        Assert.True(await WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "User.RolesChanged" && a.Target == "changed@test.local", Token)));
        Assert.True(await WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "User.Disabled" && a.Target == "changed@test.local", Token)));
    }

    [Fact]
    public async Task Roles_CreateEditDelete_AreAuditedAndAHeldRoleCannotBeDeleted()
    {
        using HttpClient admin = factory.Admin();
        HttpResponseMessage created = await admin.PostAsJsonAsync("/api/roles", new RoleRequest("Reviewer", [Permissions.StudiesView]), Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Guid roleId = (await created.Content.ReadFromJsonAsync<UsersApi.CreatedRole>(Token))!.Id;
        Guid holder = await CreateAsync(admin, "reviewer@test.local", "Reviewer");
        string? stampBefore = await WithDbAsync(db => db.Users.Where(u => u.Id == holder).Select(u => u.SecurityStamp).SingleAsync(Token));

        HttpResponseMessage edited = await admin.PutAsJsonAsync($"/api/roles/{roleId}", new RoleRequest("Reviewer", [Permissions.StudiesView, Permissions.StudiesTransfer]), Token);
        HttpResponseMessage refused = await admin.DeleteAsync($"/api/roles/{roleId}", Token);

        Assert.Equal(HttpStatusCode.NoContent, edited.StatusCode);
        RoleSummary role = (await admin.GetFromJsonAsync<RoleSummary[]>("/api/roles", Token))!.Single(r => r.Id == roleId);
        Assert.Equal([Permissions.StudiesView, Permissions.StudiesTransfer], role.Permissions);
        Assert.NotEqual(stampBefore, await WithDbAsync(db => db.Users.Where(u => u.Id == holder).Select(u => u.SecurityStamp).SingleAsync(Token)));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("take it away from them first", await refused.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/users/{holder}", new UpdateUserRequest([], null), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/roles/{roleId}", Token)).StatusCode);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<RoleSummary[]>("/api/roles", Token))!, r => r.Id == roleId);
        foreach (string action in new[] { "Role.Created", "Role.PermissionsChanged", "Role.Deleted" })
        {
            Assert.True(await WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == action && a.Target == "Reviewer", Token)), action);
        }
    }

    [Fact]
    public async Task Roles_Administrator_KeepsEveryPermissionAndCannotBeDeleted()
    {
        using HttpClient admin = factory.Admin();

        HttpResponseMessage edit = await admin.PutAsJsonAsync($"/api/roles/{DefaultRoles.AdministratorId}", new RoleRequest(DefaultRoles.Administrator, [Permissions.StudiesView]), Token);
        HttpResponseMessage delete = await admin.DeleteAsync($"/api/roles/{DefaultRoles.AdministratorId}", Token);

        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        RoleSummary role = (await admin.GetFromJsonAsync<RoleSummary[]>("/api/roles", Token))!.Single(r => r.Id == DefaultRoles.AdministratorId);
        Assert.Equal(Permissions.All, role.Permissions);
    }

    [Fact]
    public async Task SecuritySettings_InactivityTimeout_IsValidatedSavedAndAudited()
    {
        using HttpClient admin = factory.Admin();

        HttpResponseMessage tooShort = await admin.PutAsJsonAsync("/api/settings/security", new UsersApi.SecuritySettingsRequest(1), Token);
        HttpResponseMessage saved = await admin.PutAsJsonAsync("/api/settings/security", new UsersApi.SecuritySettingsRequest(45), Token);

        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        UsersApi.SecuritySettingsResponse settings = (await admin.GetFromJsonAsync<UsersApi.SecuritySettingsResponse>("/api/settings/security", Token))!;
        Assert.Equal(45, settings.InactivityTimeoutMinutes);
        Assert.Equal(5, settings.MaxFailedAccessAttempts);
        Assert.Equal(45, await WithDbAsync(db => db.SecuritySettings.Select(s => s.InactivityTimeoutMinutes).SingleAsync(Token)));
        Assert.True(await WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "Security.InactivityTimeoutChanged", Token)));
    }

    private static async Task<Guid> CreateAsync(HttpClient admin, string email, string role)
    {
        HttpResponseMessage response = await admin.PostAsJsonAsync("/api/users", new CreateUserRequest(email, null, [role], "a long enough password"), Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UsersApi.CreatedUser>(Token))!.Id;
    }

    private async Task<T> WithDbAsync<T>(Func<PorticoDbContext, Task<T>> query)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }
}
