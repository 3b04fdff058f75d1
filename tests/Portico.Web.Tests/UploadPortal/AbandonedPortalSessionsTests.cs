using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index.Studies;
using Portico.Index.UploadPortal;
using Portico.Web.Features.UploadPortal;
using Portico.Web.Features.Uploads;
using Xunit;
using static Portico.Web.Tests.UploadPortal.PortalHarness;

namespace Portico.Web.Tests.UploadPortal;

/// <summary>Sessions that never reached the hospital are removed once the retention has passed; the others are kept.</summary>
public sealed class AbandonedPortalSessionsTests
{
    [Fact]
    public async Task Sessions_left_or_cancelled_past_the_retention_go_with_their_files_and_every_other_session_stays()
    {
        await using var portal = new PortalHarness();
        UploadStore store = portal.Factory.Services.GetRequiredService<UploadStore>();
        DateTime now = DateTime.UtcNow;
        (Guid leftLongAgo, string leftUpload) = await SessionAsync(portal, store, PortalSessionState.Uploading, now.AddDays(-8));
        (Guid cancelledLongAgo, _) = await SessionAsync(portal, store, PortalSessionState.Cancelled, now.AddDays(-30));
        (Guid openLongAgo, _) = await SessionAsync(portal, store, PortalSessionState.Open, now.AddDays(-10));
        (Guid leftRecently, string recentUpload) = await SessionAsync(portal, store, PortalSessionState.Uploading, now.AddDays(-2));
        (Guid completedLongAgo, _) = await SessionAsync(portal, store, PortalSessionState.Completed, now.AddDays(-60));
        (Guid waitingLongAgo, _) = await SessionAsync(portal, store, PortalSessionState.WaitingForScanner, now.AddDays(-60));
        AbandonedPortalSessions sweeper = portal.Factory.Services.GetRequiredService<AbandonedPortalSessions>();

        int removed = await sweeper.SweepAsync(Ct);
        int again = await sweeper.SweepAsync(Ct);

        Assert.Equal(TimeSpan.FromDays(7), sweeper.Retention);
        Assert.Equal((3, 0), (removed, again));
        Guid[] sessions = await portal.WithDbAsync(db => db.PortalSessions.Select(s => s.Id).ToArrayAsync(Ct));
        Assert.Equal(new[] { leftRecently, completedLongAgo, waitingLongAgo }.Order(), sessions.Order());
        Guid[] withFiles = await portal.WithDbAsync(db => db.PortalFiles.Select(f => f.SessionId).Distinct().ToArrayAsync(Ct));
        Assert.Equal(new[] { leftRecently, completedLongAgo, waitingLongAgo }.Order(), withFiles.Order());
        Assert.Equal(0, await portal.WithDbAsync(db => db.PortalStudies.CountAsync(s => s.SessionId == leftLongAgo, Ct)));
        Assert.Null(store.Find(leftUpload));
        Assert.False(File.Exists(store.DataPath(leftUpload)));
        Assert.NotNull(store.Find(recentUpload));
        string[] audited = await portal.WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "UploadPortal.SessionRemoved").Select(a => a.Target).ToArrayAsync(Ct));
        Assert.Equal(new[] { leftLongAgo, cancelledLongAgo, openLongAgo }.Select(id => "portal session " + id).Order(), audited.Order());
    }

    /// <summary>A session in <paramref name="state"/> whose cookie ran out at <paramref name="expiredAt"/>, with a study, contact details and one tus upload.</summary>
    private static async Task<(Guid Session, string Upload)> SessionAsync(PortalHarness portal, UploadStore store, PortalSessionState state, DateTime expiredAt)
    {
        UploadRecord upload = await store.CreateAsync("portal-test", new IngestSource(IngestSourceKind.UploadCode, "test"), 10, null, [], Ct);
        Guid id = await portal.WithDbAsync(async db =>
        {
            var code = new UploadCode { CodeHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), CreatedBy = "test", CreatedAt = expiredAt.AddDays(-1), ExpiresAt = expiredAt };
            var session = new PortalSession
            {
                UploadCodeId = code.Id,
                CodeHint = "WXYZ",
                CreatedAt = expiredAt.AddHours(-12),
                ExpiresAt = expiredAt,
                State = state,
                Email = "patient@example.com",
                Phone = "+41 79 123 45 67",
            };
            session.Studies.Add(new PortalStudy { StudyInstanceUid = "1.2.840." + Random.Shared.Next(), Comment = "Please compare" });
            db.UploadCodes.Add(code);
            db.PortalSessions.Add(session);
            db.PortalFiles.Add(new PortalFile { SessionId = session.Id, UploadId = upload.Id, Kind = "dicom", FileName = "IMG001", Length = 10, CreatedAt = expiredAt.AddHours(-12) });
            await db.SaveChangesAsync(Ct);
            return session.Id;
        });
        return (id, upload.Id);
    }
}
