using Microsoft.Playwright;
using Xunit;

namespace Portico.Browser.Tests;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium, installed by scripts/test.sh) driven by Playwright, headless, with the
/// flags this machine's closed network needs. One browser per test class; each test opens its own context.
/// </summary>
public sealed class BrowserSession : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run scripts/test.sh, which installs Debian's chromium.");
        }

        // CI runs every test project at once on 2 cores: a page can take seconds to answer there. Assertions wait up to
        // 20 s (Playwright's default is 5 s), actions 30 s (BrowserTest); a passing check returns as soon as it holds.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            try
            {
                await Browser.DisposeAsync();
            }
            catch (PlaywrightException)
            {
                // The browser is gone already.
            }
        }

        _playwright?.Dispose();
    }
}
