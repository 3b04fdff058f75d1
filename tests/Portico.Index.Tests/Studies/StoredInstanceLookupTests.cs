using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Index.Studies;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests.Studies;

public abstract class StoredInstanceLookupTests(IIndexDatabase database)
{
    public sealed class Sqlite(SqliteTestDatabase database) : StoredInstanceLookupTests(database), IClassFixture<SqliteTestDatabase>;

    public sealed class Postgres(PostgresTestDatabase database) : StoredInstanceLookupTests(database), IClassFixture<PostgresTestDatabase>;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindSha256Async_StoredAbsentAndChangedInstances_AnswersWhatIsCommittedNow()
    {
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("lookup"u8));
        Instance instance;
        await using (PorticoDbContext db = database.CreateContext())
        {
            Patient patient = TestData.Patient();
            Series series = TestData.Series(TestData.Study(patient, TestData.UniqueSource()));
            instance = TestData.Instance(series);
            instance.Sha256 = sha;
            db.Instances.Add(instance);
            await db.SaveChangesAsync(Ct);
        }

        using StoredInstanceLookup lookup = CreateLookup();

        Assert.Equal(sha, await lookup.FindSha256Async(instance.SopInstanceUid, Ct));
        Assert.Null(await lookup.FindSha256Async(TestData.Uid(), Ct));

        // A later commit is seen by the same (reused) connection: each look-up reads the latest committed state.
        string replaced = new('b', 64);
        await using (PorticoDbContext db = database.CreateContext())
        {
            await db.Instances.Where(i => i.SopInstanceUid == instance.SopInstanceUid).ExecuteUpdateAsync(u => u.SetProperty(i => i.Sha256, replaced), Ct);
        }

        Assert.Equal(replaced, await lookup.FindSha256Async(instance.SopInstanceUid, Ct));
    }

    [Fact]
    public async Task FindSha256Async_ManyAtOnce_EachGetsItsOwnAnswer()
    {
        var instances = new List<Instance>();
        await using (PorticoDbContext db = database.CreateContext())
        {
            Series series = TestData.Series(TestData.Study(TestData.Patient(), TestData.UniqueSource()));
            for (int i = 0; i < 20; i++)
            {
                Instance instance = TestData.Instance(series);
                instance.Sha256 = i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);
                instances.Add(instance);
                db.Instances.Add(instance);
            }

            await db.SaveChangesAsync(Ct);
        }

        using StoredInstanceLookup lookup = CreateLookup();

        string?[] found = await Task.WhenAll(instances.Select(i => Task.Run(() => lookup.FindSha256Async(i.SopInstanceUid, Ct), Ct)));

        Assert.Equal(instances.Select(i => i.Sha256), found);
    }

    private StoredInstanceLookup CreateLookup()
    {
        var options = Options.Create(new DatabaseOptions { Provider = database.Provider, ConnectionString = database.ConnectionString });
        return new StoredInstanceLookup(options, new ContextFactory(database));
    }

    private sealed class ContextFactory(IIndexDatabase database) : IDbContextFactory<PorticoDbContext>
    {
        public PorticoDbContext CreateDbContext() => database.CreateContext();
    }
}
