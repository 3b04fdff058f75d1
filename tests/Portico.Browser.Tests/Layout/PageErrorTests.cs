using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Portico.Index;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Layout;

/// <summary>
/// A server whose request-scoped index reads of the audit log fail while <see cref="FailAuditReads"/> is set, as they
/// would with the database gone: the way to make a page fail the way a real fault would.
/// </summary>
public sealed class FailingAuditServer : PorticoServer
{
    private readonly FailingReads _interceptor = new();

    public bool FailAuditReads
    {
        get => _interceptor.Failing;
        set => _interceptor.Failing = value;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddScoped(provider =>
        {
            DatabaseOptions database = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var options = new DbContextOptionsBuilder<PorticoDbContext>();
            options.UsePorticoDatabase(database.Provider, database.ConnectionString).AddInterceptors(_interceptor);
            return new PorticoDbContext(options.Options);
        }));
    }

    private sealed class FailingReads : DbCommandInterceptor
    {
        public volatile bool Failing;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            Failing && command.CommandText.Contains("\"AuditEntries\"", StringComparison.Ordinal)
                ? throw new InvalidOperationException("The index is not reachable (test fault).")
                : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}

/// <summary>A page that fails shows why in its place; the rest of the app keeps working and the page can try again.</summary>
public sealed class PageErrorTests(FailingAuditServer server, BrowserSession browser) : BrowserTest<FailingAuditServer>(server, browser)
{
    [Fact]
    public async Task A_failing_page_says_so_in_its_place_and_the_app_keeps_working()
    {
        IPage page = await SignInAsync(path: "/audit");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Audit log" })).ToBeVisibleAsync();

        Server.FailAuditReads = true;
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();

        ILocator error = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "This page stopped because of an error." });
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"server's log at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"));
        await Expect(error).Not.ToContainTextAsync("test fault");
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

        // The circuit lives on: the menu still navigates in place, and the other page draws.
        await page.GetByRole(AriaRole.Link, new() { Name = "Study List", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Study List", Level = 1 })).ToBeVisibleAsync();
        await Expect(error).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Expect(error).ToBeVisibleAsync();
        Server.FailAuditReads = false;
        await error.GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Audit log" })).ToBeVisibleAsync();
        await Expect(error).ToHaveCountAsync(0);
    }
}
