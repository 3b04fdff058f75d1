using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portico.Index;
using Xunit;

namespace Portico.Web.Tests;

/// <summary>
/// A first start on PostgreSQL, with the database missing or there but empty: the server creates what is missing and
/// starts without logging an error (EF Core's migrator used to log its failed first connection and its failed query of
/// the migrations history as errors).
/// </summary>
public sealed class PostgresFirstStartTests
{
    [Fact]
    public async Task FirstStart_DatabaseMissing_CreatesItWithoutLoggingAnError()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var factory = new LoggedFactory { UsePostgres = true, CreatePostgresDatabase = false };
        await factory.InitializeAsync();

        using HttpClient client = factory.Admin();
        HttpResponseMessage studies = await client.GetAsync("/api/studies", ct);

        Assert.Equal(HttpStatusCode.OK, studies.StatusCode);
        Assert.Equal(DatabaseProvider.PostgreSql, factory.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider);
        Assert.Equal(1L, await factory.OnPostgresServerAsync($"SELECT count(*) FROM pg_database WHERE datname = '{factory.PostgresDatabaseName}'"));
        Assert.Contains(factory.Entries, e => e.Level == LogLevel.Information && e.Message == $"Created the PostgreSQL database {factory.PostgresDatabaseName}");
        Assert.Empty(factory.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}"));
    }

    [Fact]
    public async Task FirstStart_EmptyDatabaseThere_MigratesItWithoutLoggingAnError()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var factory = new LoggedFactory { UsePostgres = true };
        await factory.InitializeAsync();

        using HttpClient client = factory.Admin();
        HttpResponseMessage studies = await client.GetAsync("/api/studies", ct);

        Assert.Equal(HttpStatusCode.OK, studies.StatusCode);
        Assert.DoesNotContain(factory.Entries, e => e.Message.StartsWith("Created the PostgreSQL database", StringComparison.Ordinal));
        Assert.Empty(factory.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}"));
    }

    private sealed record Entry(LogLevel Level, string Category, string Message);

    /// <summary>The server with every log entry kept for the test to read.</summary>
    private sealed class LoggedFactory : PorticoFactory
    {
        private readonly Collector _collector = new();

        public IReadOnlyCollection<Entry> Entries => _collector.Entries;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(_collector));
        }
    }

    private sealed class Collector : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(logLevel, category, formatter(state, exception)));
        }
    }
}
