using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.UploadPortal;
using Xunit;

namespace Portico.Web.Tests.UploadPortal;

public sealed partial class UploadCodesApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(20);

    private readonly PorticoFactory _server = new() { Settings = new Dictionary<string, string> { ["Portico:UploadPortal:WrongCodeDelayStep"] = Step.ToString() } };

    /// <summary>No malware scanner runs in these tests: the portal opens only with unscanned uploads allowed.</summary>
    public async ValueTask InitializeAsync()
    {
        await _server.InitializeAsync();
        using HttpClient admin = _server.Admin();
        HttpResponseMessage saved = await admin.PutAsJsonAsync("/api/upload-portal/settings", Settings(), TestContext.Current.CancellationToken);
        Assert.True(saved.IsSuccessStatusCode);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_new_code_is_shown_once_easy_to_type_and_only_its_hash_is_stored()
    {
        using HttpClient admin = _server.Admin();
        JsonElement created = await CreateAsync(admin, new { issuedTo = "Referral Dr Example", note = "CD from outside", validDays = 7 });

        string code = created.GetProperty("code").GetString()!;
        Assert.Matches(CodeFormat(), code);
        Assert.True(UploadCodeSecret.EntropyBits >= 60, $"{UploadCodeSecret.EntropyBits} bits");
        Assert.Equal("Active", created.GetProperty("row").GetProperty("status").GetString());

        string list = await admin.GetStringAsync("/api/upload-codes", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(code, list, StringComparison.Ordinal);
        Assert.DoesNotContain(code.Replace("-", "", StringComparison.Ordinal), list, StringComparison.Ordinal);
        UploadCode row = await WithDbAsync(db => db.UploadCodes.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken));
        Assert.Equal(UploadCodeSecret.Hash(code.Replace("-", "", StringComparison.Ordinal)), row.CodeHash);
        Assert.Equal(1, await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "UploadCode.Created" && a.Target == row.Id.ToString(), TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_code_typed_in_lower_case_with_spaces_opens_the_portal_and_the_use_is_counted_and_audited()
    {
        using HttpClient admin = _server.Admin();
        await admin.PutAsJsonAsync("/api/upload-portal/settings", Settings(institution: "St Example Imaging"), TestContext.Current.CancellationToken);
        string code = (await CreateAsync(admin, new { })).GetProperty("code").GetString()!;

        using HttpClient anonymous = _server.CreateClient();
        HttpResponseMessage response = await RedeemAsync(anonymous, code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement session = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("St Example Imaging", session.GetProperty("institutionName").GetString());
        UploadCode row = await WithDbAsync(db => db.UploadCodes.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, row.Uses);
        Assert.NotNull(row.LastUsedAt);
        Assert.Equal(1, await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "UploadCode.Used", TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Used_up_expired_revoked_and_unknown_codes_all_get_the_same_answer()
    {
        using HttpClient admin = _server.Admin();
        using HttpClient anonymous = _server.CreateClient();
        string singleUse = (await CreateAsync(admin, new { maxSessions = 1 })).GetProperty("code").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(anonymous, singleUse)).StatusCode);

        JsonElement expiring = await CreateAsync(admin, new { });
        Guid expiringId = expiring.GetProperty("row").GetProperty("id").GetGuid();
        await WithDbAsync(async db =>
        {
            UploadCode c = await db.UploadCodes.SingleAsync(x => x.Id == new UploadCodeId(expiringId), TestContext.Current.CancellationToken);
            c.ExpiresAt = DateTime.UtcNow.AddMinutes(-1);
            return await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        JsonElement revoked = await CreateAsync(admin, new { });
        Guid revokedId = revoked.GetProperty("row").GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/upload-codes/{revokedId}/revoke", null, TestContext.Current.CancellationToken)).StatusCode);

        string[] wrong = [singleUse, expiring.GetProperty("code").GetString()!, revoked.GetProperty("code").GetString()!, "AAAAA-AAAAA-AAAAA", "not a code"];
        var answers = new List<string>();
        foreach (string code in wrong)
        {
            HttpResponseMessage response = await RedeemAsync(anonymous, code);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            answers.Add((await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("detail").GetString()!);
        }

        Assert.All(answers, a => Assert.Equal(Portico.Web.Features.UploadPortal.UploadCodeService.InvalidCodeMessage, a));
        string list = await admin.GetStringAsync("/api/upload-codes", TestContext.Current.CancellationToken);
        Assert.Contains("\"Used\"", list, StringComparison.Ordinal);
        Assert.Contains("\"Expired\"", list, StringComparison.Ordinal);
        Assert.Contains("\"Revoked\"", list, StringComparison.Ordinal);
        Assert.Equal(1, await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "UploadCode.Revoked", TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Repeated_wrong_codes_from_one_address_are_slowed_then_locked_out_even_for_a_right_code()
    {
        using HttpClient admin = _server.Admin();
        string right = (await CreateAsync(admin, new { })).GetProperty("code").GetString()!;
        using HttpClient anonymous = _server.CreateClient();

        var elapsed = new List<TimeSpan>();
        HttpStatusCode last = default;
        for (int i = 0; i < 10; i++)
        {
            var watch = Stopwatch.StartNew();
            last = (await RedeemAsync(anonymous, "AAAAA-AAAAA-AAAAA")).StatusCode;
            elapsed.Add(watch.Elapsed);
        }

        // From the fourth failure on, each answer waits at least one more step. Task.Delay's timer
        // counts whole milliseconds, so a wait can end a millisecond or so before the stopwatch says
        // it should; the margin is far smaller than the step it has to tell apart.
        Assert.True(elapsed[4] >= Step * 2 - TimerSlack, $"fifth attempt took {elapsed[4]}");
        Assert.Equal(HttpStatusCode.TooManyRequests, last);
        HttpResponseMessage locked = await RedeemAsync(anonymous, right);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(Portico.Web.Features.UploadPortal.UploadCodeService.LockedOutMessage, (await locked.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("detail").GetString());
        Assert.Equal(0, await WithDbAsync(db => db.UploadCodes.Where(c => c.Uses > 0).CountAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Codes_and_settings_need_UploadPortal_Manage()
    {
        string viewer = await _server.CreateKeyAsync(Permissions.StudiesView, Permissions.StudiesUpload);
        using HttpClient client = _server.ClientWithKey(viewer);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/upload-codes", new { }, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/upload-codes", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/upload-codes/{Guid.NewGuid()}/revoke", null, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/upload-portal/settings", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.CreateClient().GetAsync("/api/upload-codes", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Settings_outside_their_limits_are_refused_with_the_reason_and_a_change_is_audited()
    {
        using HttpClient admin = _server.Admin();
        HttpResponseMessage tooBig = await admin.PutAsJsonAsync("/api/upload-portal/settings", Settings(maxSessionBytes: 11L * 1024 * 1024 * 1024), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Contains("between 0 and 10 GB", await tooBig.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        HttpResponseMessage longValidity = await admin.PostAsJsonAsync("/api/upload-codes", new { validDays = 400 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, longValidity.StatusCode);

        HttpResponseMessage ok = await admin.PutAsJsonAsync("/api/upload-portal/settings", Settings(maxSessionBytes: 5L * 1024 * 1024 * 1024), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "UploadPortal.SettingsChanged", TestContext.Current.CancellationToken))); // with InitializeAsync's
    }

    private static object Settings(string institution = "Example Hospital", long maxSessionBytes = 2L * 1024 * 1024 * 1024) => new
    {
        institutionName = institution,
        phone = "+1 555 0100",
        email = "imaging@hospital.example",
        manualUrl = "",
        privacyPolicy = "We keep your images for your care.",
        consentText = "I consent.",
        maxSessionBytes,
        maxStudiesPerSession = 10,
        defaultCodeValidityDays = 14,
        maxCodeValidityDays = 90,
        allowUnscannedUploads = true,
    };

    private static async Task<JsonElement> CreateAsync(HttpClient admin, object request)
    {
        HttpResponseMessage response = await admin.PostAsJsonAsync("/api/upload-codes", request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    private static Task<HttpResponseMessage> RedeemAsync(HttpClient client, string code) =>
        client.PostAsJsonAsync("/api/portal/session", new { code }, TestContext.Current.CancellationToken);

    private async Task<T> WithDbAsync<T>(Func<PorticoDbContext, Task<T>> query)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }

    [GeneratedRegex("^[ACDEFGHJKMNPQRTWXY34679]{5}-[ACDEFGHJKMNPQRTWXY34679]{5}-[ACDEFGHJKMNPQRTWXY34679]{5}$")]
    private static partial Regex CodeFormat();
}
