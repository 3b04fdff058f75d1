using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portico.Tests.Shared;
using Xunit;

[assembly: AssemblyFixture(typeof(Portico.Browser.Tests.BrowserSession))]

namespace Portico.Browser.Tests;

/// <summary>What every browser test needs: a page on the server, signing in, screenshots for the README.</summary>
public abstract class BrowserTest<TServer>(TServer server, BrowserSession browser) : IClassFixture<TServer>, IAsyncLifetime
    where TServer : PorticoServer
{
    /// <summary>How long an action or a wait may take (Playwright's default is 30 s too).</summary>
    private const float DefaultTimeout = 30_000;

    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<IPage> _pages = [];
    private readonly ConcurrentQueue<string> _events = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

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
        context.SetDefaultTimeout(DefaultTimeout);
        _contexts.Add(context);
        IPage page = await context.NewPageAsync();
        Watch(page);
        return page;
    }

    /// <summary>
    /// Records what the page did (console, script errors, navigations, the circuit's WebSocket closing), so that a test
    /// that fails, typically only on a loaded CI machine, says what the browser saw.
    /// </summary>
    private void Watch(IPage page)
    {
        int number = _pages.Count + 1;
        _pages.Add(page);
        void Note(string what) => _events.Enqueue($"{_clock.Elapsed.TotalSeconds,7:0.000} s page {number}: {what}");
        page.Console += (_, message) => Note($"console {message.Type}: {message.Text}");
        page.PageError += (_, error) => Note("page error: " + error);
        page.FrameNavigated += (_, frame) =>
        {
            if (frame.ParentFrame is null)
            {
                Note("at " + frame.Url);
            }
        };
        page.WebSocket += (_, socket) =>
        {
            Note("WebSocket opened " + socket.Url);
            socket.Close += (_, _) => Note("WebSocket closed " + socket.Url);
        };
        page.RequestFailed += (_, request) => Note($"request failed {request.Method} {request.Url}: {request.Failure}");
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
    /// Waits until the page's URL matches: the navigation has committed (not Playwright's default load event, which
    /// waits on every subresource and which loaded CI machines held back past the timeout). What a test checks next
    /// waits for itself (Expect, locators, the circuit). The URL is polled rather than awaited with Playwright's
    /// <c>WaitForURLAsync</c>: that checks the URL once and then waits for the next navigation, so a navigation that
    /// landed in between was never seen. It happened to Blazor's in-page navigation after *Search* in CI: the browser
    /// was at <c>/?q=…</c> 3.4 s into the test, and the wait timed out at 30 s (the failure report of BrowserTest).
    /// </summary>
    protected static async Task WaitForUrlAsync(IPage page, Func<string, bool> url, float? timeout = null)
    {
        var waited = Stopwatch.StartNew();
        while (!url(page.Url))
        {
            if (waited.ElapsedMilliseconds > (timeout ?? DefaultTimeout))
            {
                throw new TimeoutException($"The page stayed at {page.Url} for {waited.Elapsed.TotalSeconds:0.0} s.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// <see cref="WaitForUrlAsync(IPage, Func{string, bool}, float?)"/> for a glob: <c>**</c> any characters, <c>*</c> any
    /// but <c>/</c>, everything else as written.
    /// </summary>
    protected static Task WaitForUrlAsync(IPage page, string glob, float? timeout = null)
    {
        var pattern = new Regex("^" + Regex.Escape(glob).Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$");
        return WaitForUrlAsync(page, pattern.IsMatch, timeout);
    }

    /// <summary>Blazor's interactive circuit is connected (clicks now reach the server).</summary>
    protected static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("[data-circuit=up]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Runs axe-core (tests/axe, installed by scripts/test.sh) on the page as it is now, or on the element of
    /// <paramref name="selector"/>, with the WCAG 2.1 A and AA rules, and fails with every violation it finds.
    /// </summary>
    protected static async Task ExpectAccessibleAsync(IPage page, string? selector = null)
    {
        string script = Path.Combine(Repository.Root(), "tests", "axe", "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{script} is missing: run scripts/test.sh, or npm ci --prefix tests/axe.");
        }

        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.AddScriptTagAsync(new() { Path = script });
        }

        string violations = await page.EvaluateAsync<string>(
            """
            async selector => {
              const result = await axe.run(selector ? document.querySelector(selector) : document,
                { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return result.violations.map(v => `${v.id} (${v.impact}): ${v.help}\n    ` +
                v.nodes.slice(0, 6).map(n => n.target.join(' ') + (n.failureSummary ? ' | ' + n.failureSummary.replace(/\s+/g, ' ') : '')).join('\n    ')).join('\n');
            }
            """, selector);
        Assert.True(violations.Length == 0, $"Accessibility violations at {page.Url}:\n{violations}");
    }

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
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            await ReportFailureAsync();
        }

        foreach (IBrowserContext context in _contexts)
        {
            await context.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The browser's side of a failed test: its events in order, and a screenshot of each page as it was left.</summary>
    private async Task ReportFailureAsync()
    {
        ITestOutputHelper? output = TestContext.Current.TestOutputHelper;
        if (output is null)
        {
            return;
        }

        output.WriteLine($"What the browser saw ({_events.Count} events, seconds since the test began):");
        foreach (string line in _events)
        {
            output.WriteLine(line);
        }

        string directory = Path.Combine(Repository.Root(), "artifacts", "browser-failures");
        Directory.CreateDirectory(directory);
        string test = TestContext.Current.Test?.TestDisplayName ?? GetType().Name;
        string name = string.Concat(test.Select(c => char.IsLetterOrDigit(c) ? c : '_'));
        for (int i = 0; i < _pages.Count; i++)
        {
            if (_pages[i].IsClosed)
            {
                continue;
            }

            string path = Path.Combine(directory, $"{name[..Math.Min(name.Length, 120)]}-page{i + 1}.png");
            try
            {
                await _pages[i].ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 10_000 });
                output.WriteLine($"page {i + 1} at {_pages[i].Url}: screenshot {path}");
            }
            catch (PlaywrightException ex)
            {
                output.WriteLine($"page {i + 1} at {_pages[i].Url}: no screenshot ({ex.Message})");
            }
            catch (TimeoutException ex)
            {
                output.WriteLine($"page {i + 1} at {_pages[i].Url}: no screenshot ({ex.Message})");
            }
        }
    }
}
