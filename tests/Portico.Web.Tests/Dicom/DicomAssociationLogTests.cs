using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.Network;
using Portico.Dicom.Network.Scp;
using Portico.Dicom.Network.Services;
using Portico.Index;
using Portico.Index.Dicom;
using Portico.Web.Features.Dicom;
using Xunit;

namespace Portico.Web.Tests.Dicom;

/// <summary>The association log writer (records in, rows and usage out), the log API and the troubleshooting list.</summary>
public sealed class DicomAssociationLogTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DicomAssociationLogWriter Writer => factory.Services.GetRequiredService<DicomAssociationLogWriter>();

    private static AssociationRecord Accepted(DicomIdentityState identity, DateTimeOffset at, int stores = 3, int failed = 1, long bytes = 1000) => new()
    {
        AssociationId = Random.Shared.NextInt64(),
        StartedAt = at,
        Duration = TimeSpan.FromSeconds(2),
        RemoteEndPoint = new IPEndPoint(IPAddress.Parse("10.0.0.8").MapToIPv6(), 50000),
        LocalPort = 11112,
        CallingAETitle = identity.AETitle,
        CalledAETitle = "PORTICO",
        Security = TransportSecurity.None,
        Outcome = AssociationOutcome.Released,
        PolicyState = identity,
        EchoCount = 1,
        StoreCount = stores,
        StoreFailedCount = failed,
        BytesReceived = bytes,
        BytesSent = 200,
    };

    private static AssociationRecord Refused(string callingAE, DateTimeOffset at, string why, RejectReason reason = RejectReason.CallingAETitleNotRecognized) => new()
    {
        AssociationId = Random.Shared.NextInt64(),
        StartedAt = at,
        Duration = TimeSpan.FromMilliseconds(5),
        RemoteEndPoint = new IPEndPoint(IPAddress.Parse("10.0.0.9"), 50001),
        LocalPort = 11112,
        CallingAETitle = callingAE,
        CalledAETitle = "PORTICO",
        Security = TransportSecurity.None,
        Outcome = AssociationOutcome.Rejected,
        RejectResult = RejectResult.RejectedPermanent,
        RejectSource = RejectSource.ServiceUser,
        RejectReason = reason,
        Detail = why,
    };

    private async Task<DicomIdentityState> IdentityAsync(string prefix)
    {
        string ae = DicomTestClient.NewAETitle(prefix);
        JsonElement created = await factory.CreateIdentityAsync(ae);
        return new DicomIdentityState(Guid.Parse(created.GetProperty("id").GetString()!), created.GetProperty("name").GetString()!, ae);
    }

    [Fact]
    public async Task WriteBatch_WritesRows_AndUpdatesUsage()
    {
        DicomIdentityState identity = await IdentityAsync("USE");
        DateTimeOffset t0 = DateTimeOffset.UtcNow.AddMinutes(-10);

        await Writer.WriteBatchAsync(
            [Accepted(identity, t0), Accepted(identity, t0.AddMinutes(1), stores: 2, failed: 0, bytes: 500), Refused(identity.AETitle, t0.AddMinutes(2), "DICOM Identity 'x' is disabled")],
            Ct);

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var id = new DicomIdentityId(identity.IdentityId);
        List<DicomAssociationLogEntry> rows = await db.DicomAssociationLog.Where(e => e.IdentityId == id).OrderBy(e => e.StartedAt).ToListAsync(Ct);
        Assert.Equal(3, rows.Count);
        Assert.True(rows[0].Accepted);
        Assert.Equal("10.0.0.8", rows[0].RemoteAddress);
        Assert.Equal(2000, rows[0].DurationMilliseconds);
        Assert.Equal("None", rows[0].TlsMode);
        Assert.Equal("Released", rows[0].Outcome);
        Assert.Equal((3, 1, 1000L, 200L), (rows[0].StoreCount, rows[0].StoreFailedCount, rows[0].BytesReceived, rows[0].BytesSent));
        Assert.False(rows[2].Accepted);
        Assert.Equal("CallingAETitleNotRecognized", rows[2].RejectReason);
        Assert.Equal("RejectedPermanent", rows[2].RejectResult);
        Assert.Equal("ServiceUser", rows[2].RejectSource);

        DicomIdentity usage = await db.DicomIdentities.AsNoTracking().SingleAsync(i => i.Id == id, Ct);
        Assert.Equal(2, usage.AssociationCount);
        Assert.Equal(4, usage.InstancesReceived);
        Assert.Equal(1500, usage.BytesReceived);
        Assert.Equal(t0.AddMinutes(1).AddSeconds(2).UtcDateTime, usage.LastAssociationAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Equal(t0.AddMinutes(2).AddMilliseconds(5).UtcDateTime, usage.LastRefusedAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Equal("DICOM Identity 'x' is disabled", usage.LastRefusalReason);

        using HttpClient client = factory.Admin();
        JsonElement api = await client.GetFromJsonAsync<JsonElement>($"/api/dicom-identities/{identity.IdentityId}", Ct);
        Assert.Equal(2, api.GetProperty("associationCount").GetInt64());
        Assert.Equal(4, api.GetProperty("instancesReceived").GetInt64());
        Assert.Equal("DICOM Identity 'x' is disabled", api.GetProperty("lastRefusalReason").GetString());
    }

    [Fact]
    public async Task Write_GoesThroughTheQueue_AndShowsInTheLog()
    {
        string ae = DicomTestClient.NewAETitle("QUEUE");

        Assert.True(Writer.Write(Refused(ae, DateTimeOffset.UtcNow, $"AE title '{ae}' is not registered as a DICOM Identity")));

        using HttpClient client = factory.Admin();
        JsonElement items = default;
        for (int i = 0; i < 200; i++)
        {
            items = (await client.GetFromJsonAsync<JsonElement>($"/api/dicom/associations?result=refused&callingAeTitle={ae}", Ct)).GetProperty("items");
            if (items.GetArrayLength() > 0)
            {
                break;
            }

            await Task.Delay(25, Ct);
        }

        JsonElement row = Assert.Single(items.EnumerateArray());
        Assert.False(row.GetProperty("accepted").GetBoolean());
        Assert.Contains("not registered", row.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("identityId").ValueKind);
    }

    [Fact]
    public async Task Associations_FiltersAndPaging_NewestFirst()
    {
        DicomIdentityState identity = await IdentityAsync("PAGE");
        // Within the retention (an older row could be swept while the test runs), on whole seconds.
        DateTimeOffset t0 = new(DateTime.UtcNow.Date.AddDays(-10).AddHours(8), TimeSpan.Zero);
        await Writer.WriteBatchAsync(
            [Accepted(identity, t0), Accepted(identity, t0.AddHours(1)), Accepted(identity, t0.AddHours(2)), Refused(identity.AETitle, t0.AddHours(3), "disabled")],
            Ct);
        using HttpClient client = factory.Admin();
        string baseUrl = $"/api/dicom/associations?identityId={identity.IdentityId}";

        JsonElement all = await client.GetFromJsonAsync<JsonElement>(baseUrl + "&pageSize=2", Ct);
        Assert.Equal(4, all.GetProperty("total").GetInt32());
        Assert.Equal([t0.AddHours(3), t0.AddHours(2)], all.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("startedAt").GetDateTimeOffset()));
        JsonElement second = await client.GetFromJsonAsync<JsonElement>(baseUrl + "&pageSize=2&page=2", Ct);
        Assert.Equal([t0.AddHours(1), t0], second.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("startedAt").GetDateTimeOffset()));

        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>(baseUrl + "&result=accepted", Ct)).GetProperty("total").GetInt32());
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>(baseUrl + "&result=refused", Ct)).GetProperty("total").GetInt32());
        string from = Uri.EscapeDataString(t0.AddMinutes(30).ToString("O"));
        string to = Uri.EscapeDataString(t0.AddHours(2).ToString("O"));
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>($"{baseUrl}&from={from}&to={to}", Ct)).GetProperty("total").GetInt32());
        Assert.Equal(4, (await client.GetFromJsonAsync<JsonElement>($"/api/dicom/associations?callingAeTitle={identity.AETitle}", Ct)).GetProperty("total").GetInt32());

        HttpResponseMessage bad = await client.GetAsync("/api/dicom/associations?result=maybe&pageSize=0", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Troubleshooting_GroupsRefusedCallers_AndSaysWhetherAnIdentityExists()
    {
        string unknown = DicomTestClient.NewAETitle("UNREG");
        DicomIdentityState disabled = await IdentityAsync("DIS");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await Writer.WriteBatchAsync(
        [
            Refused(unknown, now.AddMinutes(-30), "first"),
            Refused(unknown, now.AddMinutes(-5), $"AE title '{unknown}' is not registered as a DICOM Identity"),
            Refused(disabled.AETitle, now.AddMinutes(-1), $"DICOM Identity '{disabled.Name}' is disabled"),
            Accepted(disabled, now.AddMinutes(-60)),
        ], Ct);
        using HttpClient client = factory.Admin();

        JsonElement list = await client.GetFromJsonAsync<JsonElement>("/api/dicom/troubleshooting", Ct);

        JsonElement u = list.EnumerateArray().Single(g => g.GetProperty("callingAETitle").GetString() == unknown);
        Assert.Equal(2, u.GetProperty("count").GetInt32());
        Assert.Contains("not registered", u.GetProperty("lastReason").GetString(), StringComparison.Ordinal);
        Assert.False(u.GetProperty("identityExists").GetBoolean());
        Assert.Equal("10.0.0.9", u.GetProperty("lastRemoteAddress").GetString());
        JsonElement d = list.EnumerateArray().Single(g => g.GetProperty("callingAETitle").GetString() == disabled.AETitle);
        Assert.Equal(1, d.GetProperty("count").GetInt32());
        Assert.True(d.GetProperty("identityExists").GetBoolean());
        Assert.Equal(disabled.IdentityId, d.GetProperty("identityId").GetGuid());
        // Newest first.
        List<string?> order = [.. list.EnumerateArray().Select(g => g.GetProperty("callingAETitle").GetString())];
        Assert.True(order.IndexOf(disabled.AETitle) < order.IndexOf(unknown));
    }

    [Fact]
    public async Task Sweep_DeletesRowsOlderThanTheRetention()
    {
        string ae = DicomTestClient.NewAETitle("OLD");
        await Writer.WriteBatchAsync([Refused(ae, DateTimeOffset.UtcNow.AddDays(-91), "old"), Refused(ae, DateTimeOffset.UtcNow.AddDays(-1), "recent")], Ct);

        Assert.True(await Writer.SweepAsync(Ct) >= 1);

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        Assert.Equal(["recent"], await db.DicomAssociationLog.Where(e => e.CallingAETitle == ae).Select(e => e.Detail).ToListAsync(Ct));
    }
}
