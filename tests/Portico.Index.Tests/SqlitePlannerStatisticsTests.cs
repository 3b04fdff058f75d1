using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests;

public sealed class SqlitePlannerStatisticsTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "portico-index-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task RefreshAsync_TablesWithoutStatistics_AnalyzesThemOnceThenIsANoOp()
    {
        await using ServiceProvider services = Build(new() { ["Portico:DataDirectory"] = _dataDirectory });
        await using (PorticoDbContext db = await ContextAsync(services))
        {
            await db.Database.MigrateAsync(Ct);
            db.Studies.Add(TestData.Study(TestData.Patient(), TestData.UniqueSource(), new DateTime(2025, 1, 2, 3, 4, 5)));
            await db.SaveChangesAsync(Ct);
        }

        SqlitePlannerStatistics statistics = services.GetServices<IHostedService>().OfType<SqlitePlannerStatistics>().Single();

        IReadOnlyList<string> analyzed = await statistics.RefreshAsync(Ct);

        Assert.Contains("Studies", analyzed);
        Assert.Contains("Patients", analyzed);
        Assert.Empty(await statistics.RefreshAsync(Ct));
        await using PorticoDbContext check = await ContextAsync(services);
        await check.Database.OpenConnectionAsync(Ct);
        await using DbCommand command = check.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = 'IX_Studies_StudyDateTime_Id'";
        Assert.Equal(1L, await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task ExecuteAsync_PostgreSql_DoesNothing()
    {
        await using ServiceProvider services = Build(new()
        {
            ["Portico:Database:Provider"] = "PostgreSql",
            ["ConnectionStrings:Portico"] = "Host=127.0.0.1;Port=1;Database=none;Username=none",
        });
        SqlitePlannerStatistics statistics = services.GetServices<IHostedService>().OfType<SqlitePlannerStatistics>().Single();

        await statistics.StartAsync(Ct);
        await statistics.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(statistics.ExecuteTask.IsCompletedSuccessfully);
        await statistics.StopAsync(Ct);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddPorticoIndex(configuration).BuildServiceProvider();
    }

    private static Task<PorticoDbContext> ContextAsync(IServiceProvider services) =>
        services.GetRequiredService<IDbContextFactory<PorticoDbContext>>().CreateDbContextAsync(Ct);
}
