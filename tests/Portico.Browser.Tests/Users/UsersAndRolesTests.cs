using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Users;

/// <summary>Settings &gt; Users &amp; Roles, the account page and sign-in rules, driven through the pages.</summary>
public sealed class UsersAndRolesTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    private const string Password = "a long enough password";

    [Fact]
    public async Task A_viewer_created_on_the_page_sees_only_the_study_list_and_cannot_sign_in_once_disabled()
    {
        IPage admin = await SignInAsync(path: "/settings/users");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        ILocator dialog = admin.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("E-mail").FillAsync("viewer@test.local");
        await dialog.GetByLabel("Name (optional)").FillAsync("Vera Viewer");
        await dialog.GetByLabel("Viewer").CheckAsync();
        await dialog.GetByLabel("Set a password now").CheckAsync();
        await dialog.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("viewer@test.local can sign in now");
        ILocator row = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "viewer@test.local" });
        await Expect(row).ToContainTextAsync("Viewer");
        await Expect(row).ToContainTextAsync("Enabled");
        await ScreenshotAsync(admin, "users-and-roles");

        IPage viewer = await SignInAsync("viewer@test.local", Password);
        await Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Study List", Level = 1 })).ToBeVisibleAsync();
        await Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "Settings" })).ToHaveCountAsync(0);
        await Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
        await Expect(viewer.GetByLabel("Add studies")).ToHaveCountAsync(0);
        // Opening the audit log by its address does not show it either (the server sends the viewer elsewhere).
        await viewer.GotoAsync("/audit");
        await Expect(viewer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToHaveCountAsync(0);

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit viewer@test.local" }).ClickAsync();
        await admin.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("viewer@test.local is disabled");
        await Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "viewer@test.local" })).ToHaveCountAsync(0);
        await admin.GetByLabel("Show disabled users").CheckAsync();
        await Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "viewer@test.local" })).ToContainTextAsync("Disabled");

        IPage again = await NewPageAsync();
        await again.GotoAsync("/account/sign-in");
        await again.GetByLabel("E-mail").FillAsync("viewer@test.local");
        await again.GetByLabel("Password").FillAsync(Password);
        await again.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(again.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The e-mail or password is not right.");
        Assert.True(await Server.WithDbAsync(db => Task.FromResult(db.AuditEntries.Any(a => a.Action == "User.Disabled" && a.Target == "viewer@test.local"))));
    }

    [Fact]
    public async Task An_invited_user_sets_their_password_with_the_link_once_and_signs_in()
    {
        IPage admin = await SignInAsync(path: "/settings/users");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        ILocator dialog = admin.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("E-mail").FillAsync("invited@test.local");
        await dialog.GetByLabel("Technician").CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        string link = await dialog.GetByLabel("Invitation link", new() { Exact = true }).InputValueAsync();
        Assert.StartsWith(Server.BaseAddress + "account/accept-invite?email=invited%40test.local&token=", link, StringComparison.Ordinal);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "invited@test.local" })).ToContainTextAsync("Invited");

        IPage invited = await NewPageAsync();
        await invited.GotoAsync(link);
        await invited.GetByLabel("New password").FillAsync(Password);
        await invited.GetByLabel("Confirm password").FillAsync(Password);
        await invited.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(invited.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is set.");

        await invited.GotoAsync(link);
        await invited.GetByLabel("New password").FillAsync("another long password");
        await invited.GetByLabel("Confirm password").FillAsync("another long password");
        await invited.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(invited.GetByRole(AriaRole.Alert)).ToContainTextAsync("This invitation link does not work any more");

        IPage signedIn = await SignInAsync("invited@test.local", Password);
        await Expect(signedIn.GetByLabel("Add studies")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_password()
    {
        await Server.CreateUserAsync("locked@test.local", Password, "Viewer");
        IPage page = await NewPageAsync();
        await page.GotoAsync("/account/sign-in");
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            await page.GetByLabel("E-mail").FillAsync("locked@test.local");
            await page.GetByLabel("Password").FillAsync("wrong password number " + attempt);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        }

        await page.GetByLabel("E-mail").FillAsync("locked@test.local");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(Portico.Web.Features.Auth.PasswordSignIn.LockedOutMessage);
        Assert.Contains("/account/sign-in", page.Url, StringComparison.Ordinal);

        IPage admin = await SignInAsync(path: "/settings/users");
        await Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "locked@test.local" })).ToContainTextAsync("Locked until");
    }

    [Fact]
    public async Task Changing_the_password_on_the_account_page_takes_effect_at_the_next_sign_in()
    {
        await Server.CreateUserAsync("changer@test.local", Password, "Viewer");
        IPage page = await SignInAsync("changer@test.local", Password);
        await page.GotoAsync("/account");
        await page.GetByLabel("Current password").FillAsync(Password);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("an entirely new passphrase");
        await page.GetByLabel("Confirm new password").FillAsync("an entirely new passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password was changed.");
        // Still signed in (the session cookie was renewed with the new security stamp).
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Study List", Level = 1 })).ToBeVisibleAsync();
        IPage again = await SignInAsync("changer@test.local", "an entirely new passphrase");
        await Expect(again.GetByRole(AriaRole.Heading, new() { Name = "Study List", Level = 1 })).ToBeVisibleAsync();
        Assert.True(await Server.WithDbAsync(db => Task.FromResult(db.AuditEntries.Any(a => a.Action == "User.PasswordChanged" && a.Target == "changer@test.local"))));
    }

    [Fact]
    public async Task Two_step_verification_turned_on_with_an_authenticator_code_is_asked_at_sign_in()
    {
        await Server.CreateUserAsync("totp@test.local", Password, "Physician");
        IPage page = await SignInAsync("totp@test.local", Password);
        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up two-step verification" }).ClickAsync();
        string key = (await page.GetByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for the authenticator app" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "account");
        await page.GetByLabel("Code from the app").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();

        await Expect(page.GetByText("Two-step verification is on.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Recovery codes" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(10);

        IPage again = await NewPageAsync();
        await again.GotoAsync("/account/sign-in");
        await again.GetByLabel("E-mail").FillAsync("totp@test.local");
        await again.GetByLabel("Password").FillAsync(Password);
        await again.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await WaitForUrlAsync(again, "**/account/two-step**");
        await again.GetByLabel("Authentication code").FillAsync("000000" == Totp.Code(key, DateTimeOffset.UtcNow) ? "111111" : "000000");
        await again.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(again.GetByRole(AriaRole.Alert)).ToHaveTextAsync(Portico.Web.Features.Auth.PasswordSignIn.WrongCodeMessage);
        // The next step's code: Identity accepts codes a step or two either side, and this one was not used yet.
        await again.GetByLabel("Authentication code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow, stepOffset: 1));
        await again.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await WaitForUrlAsync(again, Server.BaseAddress.ToString());
        await WaitForCircuitAsync(again);
        await Expect(again.GetByRole(AriaRole.Heading, new() { Name = "Study List", Level = 1 })).ToBeVisibleAsync();
        Assert.True(await Server.WithDbAsync(db => Task.FromResult(db.AuditEntries.Any(a => a.Action == "User.TwoStepFailed" && a.Target == "totp@test.local"))));
    }

    [Fact]
    public async Task Editing_a_roles_permissions_applies_at_the_next_sign_in()
    {
        IPage admin = await SignInAsync(path: "/settings/users");
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Roles" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create role" }).ClickAsync();
        ILocator dialog = admin.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("Auditor");
        await dialog.GetByLabel("Studies.View").CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create role" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Role Auditor created.");
        await Server.CreateUserAsync("auditor@test.local", Password, "Auditor");

        IPage before = await SignInAsync("auditor@test.local", Password);
        await Expect(before.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Edit role Auditor" }).ClickAsync();
        await dialog.GetByLabel("Audit.View").CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save role" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Role Auditor saved.");
        await Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "Auditor" }).GetByLabel("Auditor has Audit.View")).ToHaveCountAsync(1);

        IPage after = await SignInAsync("auditor@test.local", Password);
        await Expect(after.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToBeVisibleAsync();
        Assert.True(await Server.WithDbAsync(db => Task.FromResult(db.AuditEntries.Any(a => a.Action == "Role.PermissionsChanged" && a.Target == "Auditor"))));
    }

    [Fact]
    public async Task A_dialog_closed_with_Escape_opens_again_fresh_and_Enter_submits_its_form()
    {
        IPage admin = await SignInAsync(path: "/settings/users");
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Roles" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create role" }).ClickAsync();
        ILocator dialog = admin.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToHaveAccessibleNameAsync("Create role");
        await Expect(dialog.GetByLabel("Name")).ToBeFocusedAsync();
        await dialog.GetByLabel("Name").FillAsync("Left behind");
        await admin.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Create role" }).ClickAsync();
        await Expect(dialog).ToHaveAccessibleNameAsync("Create role");
        await Expect(dialog.GetByLabel("Name")).ToHaveValueAsync("");
        await dialog.GetByLabel("Name").FillAsync("Night shift");
        await dialog.GetByLabel("Name").PressAsync("Enter");
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Role Night shift created.");
        await Expect(dialog).ToHaveCountAsync(0);
        Assert.False(await Server.WithDbAsync(db => Task.FromResult(db.Roles.Any(r => r.Name == "Left behind"))));
    }

    [Fact]
    public async Task The_arrow_keys_move_between_the_Users_and_Roles_tabs_and_Tab_goes_on_into_the_panel()
    {
        IPage page = await SignInAsync(path: "/settings/users");
        ILocator users = page.GetByRole(AriaRole.Tab, new() { Name = "Users" });
        ILocator roles = page.GetByRole(AriaRole.Tab, new() { Name = "Roles" });
        await users.FocusAsync();

        await page.Keyboard.PressAsync("ArrowRight");

        await Expect(roles).ToBeFocusedAsync();
        await Expect(roles).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(users).ToHaveAttributeAsync("aria-selected", "false");
        await Expect(page.GetByRole(AriaRole.Tabpanel, new() { Name = "Roles" })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Tabpanel, new() { Name = "Roles" }).GetByRole(AriaRole.Button, new() { Name = "Create role" })).ToBeFocusedAsync();

        await roles.FocusAsync();
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(users).ToBeFocusedAsync();
        await Expect(page.GetByRole(AriaRole.Tabpanel, new() { Name = "Users" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_role_is_deleted_after_a_confirmation_and_not_offered_for_deletion_while_someone_holds_it()
    {
        string token = Guid.NewGuid().ToString("N")[..6];
        IPage admin = await SignInAsync(path: "/settings/users");
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Roles" }).ClickAsync();
        foreach (string name in new[] { $"Spare{token}", $"Held{token}" })
        {
            await admin.GetByRole(AriaRole.Button, new() { Name = "Create role" }).ClickAsync();
            await admin.GetByRole(AriaRole.Dialog).GetByLabel("Name").FillAsync(name);
            await admin.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Create role" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync($"Role {name} created.");
        }

        await Server.CreateUserAsync($"holder{token}@test.local", Password, $"Held{token}");
        await admin.ReloadAsync();
        await WaitForCircuitAsync(admin);
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Roles" }).ClickAsync();

        await admin.GetByRole(AriaRole.Button, new() { Name = $"Delete role Spare{token}" }).ClickAsync();
        ILocator confirm = admin.GetByRole(AriaRole.Alertdialog, new() { Name = $"Delete the role Spare{token}?" });
        await Expect(confirm).ToContainTextAsync("Nobody holds this role.");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(confirm).ToHaveCountAsync(0);
        await Expect(admin.GetByRole(AriaRole.Rowheader, new() { Name = $"Spare{token}" })).ToHaveCountAsync(1);

        await admin.GetByRole(AriaRole.Button, new() { Name = $"Delete role Spare{token}" }).ClickAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete role" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync($"Role Spare{token} deleted.");
        await Expect(admin.GetByRole(AriaRole.Rowheader, new() { Name = $"Spare{token}" })).ToHaveCountAsync(0);

        await admin.GetByRole(AriaRole.Button, new() { Name = $"Delete role Held{token}" }).ClickAsync();
        ILocator held = admin.GetByRole(AriaRole.Alertdialog, new() { Name = $"Delete the role Held{token}?" });
        await Expect(held).ToContainTextAsync("1 user holds this role. Take it away from them first");
        await Expect(held.GetByRole(AriaRole.Button, new() { Name = "Delete role" })).ToHaveCountAsync(0);
        await held.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(held).ToHaveCountAsync(0);
        await Expect(admin.GetByRole(AriaRole.Rowheader, new() { Name = $"Held{token}" })).ToHaveCountAsync(1);
        Assert.True(await Server.WithDbAsync(db => Task.FromResult(db.AuditEntries.Any(a => a.Action == "Role.Deleted" && a.Target == $"Spare{token}"))));
    }
}
