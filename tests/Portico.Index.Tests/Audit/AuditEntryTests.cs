using Microsoft.EntityFrameworkCore;
using Portico.Index.Audit;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests.Audit;

public abstract class AuditEntryTests(IIndexDatabase database)
{
    public sealed class Sqlite(SqliteTestDatabase database) : AuditEntryTests(database), IClassFixture<SqliteTestDatabase>;

    public sealed class Postgres(PostgresTestDatabase database) : AuditEntryTests(database), IClassFixture<PostgresTestDatabase>;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveChanges_AuditEntry_IsStoredWithEveryField()
    {
        string target = "study/" + TestData.Uid();
        var entry = new AuditEntry
        {
            At = new DateTime(2025, 4, 1, 12, 0, 0, 250, DateTimeKind.Utc),
            Actor = "admin@example.org",
            ActorKind = ActorKind.User,
            Action = "Study.ChangePatientIdentity",
            Target = target,
            Details = """{"field":"PatientID","count":1}""",
            Reason = "Wrong patient selected at the modality",
            RemoteAddress = "2001:db8::1",
        };
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.AuditEntries.Add(entry);
            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext check = database.CreateContext();
        AuditEntry stored = await check.AuditEntries.SingleAsync(a => a.Target == target, Ct);
        Assert.Equal(entry.Id, stored.Id);
        Assert.Equal(entry.At, stored.At);
        Assert.Equal(DateTimeKind.Utc, stored.At.Kind);
        Assert.Equal(
            (entry.Actor, entry.ActorKind, entry.Action, entry.Details, entry.Reason, entry.RemoteAddress),
            (stored.Actor, stored.ActorKind, stored.Action, stored.Details, stored.Reason, stored.RemoteAddress));
    }

    [Fact]
    public async Task AuditEntries_ByTimeRange_ComeNewestFirst()
    {
        string actor = "key-" + Guid.NewGuid().ToString("N");
        var start = new DateTime(2025, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        await using (PorticoDbContext db = database.CreateContext())
        {
            foreach (int hour in new[] { 3, 1, 2, 30 })
            {
                db.AuditEntries.Add(new AuditEntry
                {
                    At = start.AddHours(hour),
                    Actor = actor,
                    ActorKind = ActorKind.ApiKey,
                    Action = "Study.Upload",
                    Target = "study/" + hour,
                });
            }

            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext check = database.CreateContext();
        List<string> targets = await check.AuditEntries
            .Where(a => a.Actor == actor && a.At >= start && a.At < start.AddDays(1))
            .OrderByDescending(a => a.At)
            .Select(a => a.Target)
            .ToListAsync(Ct);
        Assert.Equal(["study/3", "study/2", "study/1"], targets);
    }
}
