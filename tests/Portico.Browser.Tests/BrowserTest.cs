using Microsoft.Playwright;
using Portico.Tests.Shared;
using Xunit;

[assembly: AssemblyFixture(typeof(Portico.Browser.Tests.BrowserSession))]

namespace Portico.Browser.Tests;

/// <summary>What every browser test needs: a page on the server, signing in, screenshots for the README.</summary>
public abstract class BrowserTest<TServer>(TServer server, BrowserSession browser) : IClassFixture<TServer>, IAsyncLifetime
    where TServer : PorticoServer
{
    private readonly List<IBrowserContext> _contexts = [];

    protected TServer Server { get; } = server;

    protected BrowserSession Browser { get; } = browser;

    /// <summary>A new browser context (its own cookies) at 1280x800, with a page open.</summary>
    protected async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        IBrowserContext context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in on the sign-in page and waits for the interactive app to be up.</summary>
    protected async Task<IPage> SignInAsync(string email = PorticoServer.AdminEmail, string password = PorticoServer.AdminPassword, string path = "/") =>
        await SignInOnAsync(await NewPageAsync(), email, password, path);

    /// <summary>Signs in on a page the test opened itself.</summary>
    protected static async Task<IPage> SignInOnAsync(IPage page, string email = PorticoServer.AdminEmail, string password = PorticoServer.AdminPassword, string path = "/")
    {
        await page.GotoAsync(path);
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await WaitForUrlAsync(page, url => !url.Contains("/account/sign-in", StringComparison.Ordinal));
        await WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>
    /// Waits until the page's URL matches. Only the navigation's commit is waited for, not Playwright's default load
    /// event: that waits on every subresource, which loaded CI machines held back past the timeout (twice, in sign-in
    /// and after creating a device). What a test checks next waits for itself (Expect, locators, the circuit).
    /// </summary>
    protected static Task WaitForUrlAsync(IPage page, Func<string, bool> url, float? timeout = null) =>
        page.WaitForURLAsync(url, new() { WaitUntil = WaitUntilState.Commit, Timeout = timeout });

    /// <inheritdoc cref="WaitForUrlAsync(IPage, Func{string, bool}, float?)"/>
    protected static Task WaitForUrlAsync(IPage page, string glob, float? timeout = null) =>
        page.WaitForURLAsync(glob, new() { WaitUntil = WaitUntilState.Commit, Timeout = timeout });

    /// <summary>Blazor's interactive circuit is connected (clicks now reach the server).</summary>
    protected static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("[data-circuit=up]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>Saves a screenshot under docs/screenshots/ (shown in README.md).</summary>
    protected static async Task ScreenshotAsync(IPage page, string name)
    {
        string directory = Path.Combine(Repository.Root(), "docs", "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = false });
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (IBrowserContext context in _contexts)
        {
            await context.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
