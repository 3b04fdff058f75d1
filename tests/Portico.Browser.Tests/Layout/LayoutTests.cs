using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Layout;

/// <summary>The shared layout: keyboard use of the menus, the Not found page, tablet width.</summary>
public sealed class LayoutTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task The_add_menu_opens_from_the_keyboard_and_Escape_closes_it()
    {
        IPage page = await SignInAsync();
        ILocator add = page.GetByLabel("Add studies");
        await add.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Upload DICOMs…" })).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("Escape");

        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Upload DICOMs…" })).ToBeHiddenAsync();
        await Expect(add).ToBeFocusedAsync();
    }

    [Fact]
    public async Task An_address_that_does_not_exist_shows_the_not_found_page()
    {
        IPage page = await SignInAsync();
        IResponse? response = await page.GotoAsync("/no/such/page");

        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to the Study List" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task At_tablet_width_nothing_in_the_top_bar_runs_off_the_screen()
    {
        IPage page = await SignInAsync();
        await page.SetViewportSizeAsync(768, 1024);

        bool overflows = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflows);
        foreach (string label in new[] { "Add studies", "Account menu for admin@test.local" })
        {
            LocatorBoundingBoxResult? box = await page.GetByLabel(label).BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.X + box.Width <= 768, $"{label} ends at {box.X + box.Width}");
        }
    }
}
