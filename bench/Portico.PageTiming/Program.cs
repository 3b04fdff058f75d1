using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// page-timing BASE_URL EMAIL PASSWORD PATH [RUNS]
// Signs in once, then opens PATH RUNS times in a fresh page (cookies kept) and prints, per run, from the browser's own
// Navigation and Paint Timing: when the HTML (server-rendered, rows included) had arrived, and the first contentful
// paint, which shows the rows since they are in that HTML and the stylesheets load first. Also, from the outside:
// when Playwright saw the first row visible (an upper bound: it polls from the page's main thread, which Blazor's
// script start-up keeps busy) and when the list was interactive and listening for new studies
// (section[data-live=on]). Exits 1 when the median first paint is 1 s or more. Chromium is Debian's /usr/bin/chromium,
// as in the browser tests.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: page-timing BASE_URL EMAIL PASSWORD PATH [RUNS]");
    return 2;
}

string baseUrl = args[0].TrimEnd('/') + "/";
string path = args[3];
int runs = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 10;

using IPlaywright playwright = await Playwright.CreateAsync();
await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
await using IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions
{
    BaseURL = baseUrl,
    ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
});
context.SetDefaultTimeout(60_000);

IPage signIn = await context.NewPageAsync();
await signIn.GotoAsync("/account/sign-in");
await signIn.GetByLabel("E-mail").FillAsync(args[1]);
await signIn.GetByLabel("Password").FillAsync(args[2]);
await signIn.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
await signIn.WaitForURLAsync(url => !url.Contains("/account/sign-in", StringComparison.Ordinal));
await signIn.CloseAsync();

var rows = new List<double>();
var live = new List<double>();
var paints = new List<double>();
for (int run = 1; run <= runs; run++)
{
    IPage page = await context.NewPageAsync();
    var clock = Stopwatch.StartNew();
    await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
    await page.Locator("tr.study-row").First.WaitForAsync(new() { State = WaitForSelectorState.Visible });
    double firstRow = clock.Elapsed.TotalMilliseconds;
    await page.Locator("section[data-live=on] tr.study-row").First.WaitForAsync(new() { State = WaitForSelectorState.Visible });
    double interactive = clock.Elapsed.TotalMilliseconds;
    double[] timing = await page.EvaluateAsync<double[]>(
        "() => { const n = performance.getEntriesByType('navigation')[0]; const p = performance.getEntriesByName('first-contentful-paint')[0]; return [n.responseEnd, p ? p.startTime : -1]; }");
    int count = await page.Locator("tr.study-row").CountAsync();
    string total = await page.Locator("[data-total]").GetAttributeAsync("data-total") ?? "?";
    Console.WriteLine(FormattableString.Invariant(
        $"run {run,2}: HTML received {timing[0],6:F0} ms, first paint with rows {timing[1],6:F0} ms; seen visible {firstRow,6:F0} ms, interactive {interactive,6:F0} ms ({count} rows of {total})"));
    paints.Add(timing[1]);
    rows.Add(firstRow);
    live.Add(interactive);
    await page.CloseAsync();
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

Console.WriteLine(FormattableString.Invariant(
    $"page {path}: first paint with rows median {Median(paints):F0} ms (first run {paints[0]:F0} ms, max {paints.Max():F0} ms); seen visible median {Median(rows):F0} ms; interactive median {Median(live):F0} ms"));
return paints.All(p => p > 0) && Median(paints) < 1000 ? 0 : 1;
