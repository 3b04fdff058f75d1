using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.Network;
using Portico.Dicom.Network.Services;
using Portico.Web.Features.Dicom;
using Xunit;

namespace Portico.Web.Tests.Dicom;

/// <summary>Every rule of the DICOM Identity check, against identities created through the API (real index, real cache).</summary>
public sealed class IdentityAssociationPolicyTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("10.1.2.3"), 40000);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IdentityAssociationPolicy Policy => factory.Services.GetRequiredService<IdentityAssociationPolicy>();

    private ValueTask<AssociationDecision> DecideAsync(string callingAE, TransportSecurity security = TransportSecurity.None, X509Certificate2? certificate = null, IPEndPoint? peer = null) =>
        factory.Services.GetRequiredService<IAssociationPolicy>().DecideAsync(new AssociationRequestInfo(callingAE, "PORTICO", peer ?? Peer, security, certificate), Ct);

    [Fact]
    public async Task RegisteredIdentity_IsAcceptedWithItsOperationsAndState()
    {
        string ae = DicomTestClient.NewAETitle("OK");
        JsonElement identity = await factory.CreateIdentityAsync(new { name = "Room1_EPIQ7", aeTitle = ae, allowedOperations = new[] { "C-ECHO", "C-STORE", "C-FIND" } });

        AssociationDecision decision = await DecideAsync(ae);

        Assert.True(decision.IsAccepted);
        Assert.Equal(DimseOperations.Echo | DimseOperations.Store | DimseOperations.Find, decision.AllowedOperations);
        DicomIdentityState state = Assert.IsType<DicomIdentityState>(decision.State);
        Assert.Equal(Guid.Parse(identity.GetProperty("id").GetString()!), state.IdentityId);
        Assert.Equal("Room1_EPIQ7", state.Name);
        Assert.Equal(ae, state.AETitle);
    }

    [Fact]
    public async Task UnknownAETitle_IsRejectedAsCallingAETitleNotRecognized()
    {
        string ae = DicomTestClient.NewAETitle("NOBODY");

        AssociationDecision decision = await DecideAsync(ae);

        AssertRejected(decision, RejectReason.CallingAETitleNotRecognized, $"AE title '{ae}' is not registered as a DICOM Identity");
    }

    [Fact]
    public async Task AETitle_IsMatchedCaseSensitively()
    {
        string ae = DicomTestClient.NewAETitle("CASE").ToUpperInvariant();
        await factory.CreateIdentityAsync(ae);

        AssertRejected(await DecideAsync(ae.ToLowerInvariant()), RejectReason.CallingAETitleNotRecognized, "is not registered");
        Assert.True((await DecideAsync(ae)).IsAccepted);
    }

    [Fact]
    public async Task DisabledIdentity_IsRejected_AndReenabling_TakesEffectAtOnce()
    {
        string ae = DicomTestClient.NewAETitle("OFF");
        string id = (await factory.CreateIdentityAsync(new { name = "Mobile_CT_Unit", aeTitle = ae, enabled = false })).GetProperty("id").GetString()!;

        AssertRejected(await DecideAsync(ae), RejectReason.CallingAETitleNotRecognized, "DICOM Identity 'Mobile_CT_Unit' is disabled");

        using HttpClient client = factory.Admin();
        (await client.PostAsync($"/api/dicom-identities/{id}/enable", null, Ct)).EnsureSuccessStatusCode();
        Assert.True((await DecideAsync(ae)).IsAccepted);
        (await client.PostAsync($"/api/dicom-identities/{id}/disable", null, Ct)).EnsureSuccessStatusCode();
        Assert.False((await DecideAsync(ae)).IsAccepted);
    }

    [Fact]
    public async Task Deleted_And_NewlyCreated_Identities_TakeEffectAtOnce()
    {
        string ae = DicomTestClient.NewAETitle("NEW");
        Assert.False((await DecideAsync(ae)).IsAccepted);
        string id = (await factory.CreateIdentityAsync(ae)).GetProperty("id").GetString()!;
        Assert.True((await DecideAsync(ae)).IsAccepted);

        using HttpClient client = factory.Admin();
        (await client.DeleteAsync($"/api/dicom-identities/{id}", Ct)).EnsureSuccessStatusCode();

        Assert.False((await DecideAsync(ae)).IsAccepted);
    }

    [Fact]
    public async Task AChange_IsLoadedInTheBackground_BeforeAnyAssociationAsks()
    {
        string ae = DicomTestClient.NewAETitle("EAGER");

        await factory.CreateIdentityAsync(ae);

        // No association in between: the snapshot dropped by the change is loaded again on its own.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!Policy.HasFreshSnapshot && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(Policy.HasFreshSnapshot, "the snapshot was not loaded again after the change");
        Assert.True((await DecideAsync(ae)).IsAccepted);
    }

    [Fact]
    public async Task AllowedAddresses_RefuseOtherAddresses_WithNoReasonGiven()
    {
        string ae = DicomTestClient.NewAETitle("ADDR");
        await factory.CreateIdentityAsync(new { name = "Cath lab", aeTitle = ae, allowedAddresses = new[] { "10.1.0.0/16", "192.168.7.9" } });

        Assert.True((await DecideAsync(ae, peer: new IPEndPoint(IPAddress.Parse("10.1.200.4"), 1))).IsAccepted);
        Assert.True((await DecideAsync(ae, peer: new IPEndPoint(IPAddress.Parse("192.168.7.9").MapToIPv6(), 1))).IsAccepted);
        AssertRejected(await DecideAsync(ae, peer: new IPEndPoint(IPAddress.Parse("10.2.0.1"), 1)), RejectReason.UserNoReasonGiven, "10.2.0.1");
    }

    [Fact]
    public async Task AnonymousTls_IsRefusedUnlessAllowed()
    {
        string strict = DicomTestClient.NewAETitle("STRICT");
        await factory.CreateIdentityAsync(strict);
        string open = DicomTestClient.NewAETitle("ANON");
        await factory.CreateIdentityAsync(new { name = "anon", aeTitle = open, allowAnonymousTls = true });

        AssertRejected(await DecideAsync(strict, TransportSecurity.TlsAnonymous), RejectReason.UserNoReasonGiven, "a client certificate is required for this identity");
        Assert.True((await DecideAsync(open, TransportSecurity.TlsAnonymous)).IsAccepted);
        Assert.True((await DecideAsync(strict, TransportSecurity.None)).IsAccepted);
    }

    [Fact]
    public async Task ClientCertificate_OfThisIdentity_IsAccepted_OfAnother_Or_Revoked_IsRefused()
    {
        string ae = DicomTestClient.NewAETitle("CERT");
        string id = (await factory.CreateIdentityAsync(new { name = "Vivid", aeTitle = ae })).GetProperty("id").GetString()!;
        string otherAE = DicomTestClient.NewAETitle("OTHER");
        string otherId = (await factory.CreateIdentityAsync(new { name = "Other device", aeTitle = otherAE })).GetProperty("id").GetString()!;
        using X509Certificate2 mine = await IssueAsync(id);
        using X509Certificate2 theirs = await IssueAsync(otherId);

        Assert.True((await DecideAsync(ae, TransportSecurity.TlsClientCertificate, mine)).IsAccepted);
        AssertRejected(await DecideAsync(ae, TransportSecurity.TlsClientCertificate, theirs), RejectReason.UserNoReasonGiven, "the certificate was issued for another identity ('Other device')");

        using HttpClient client = factory.Admin();
        (await client.DeleteAsync($"/api/dicom-identities/{id}/client-certificate", Ct)).EnsureSuccessStatusCode();
        AssertRejected(await DecideAsync(ae, TransportSecurity.TlsClientCertificate, mine), RejectReason.UserNoReasonGiven, "revoked");
    }

    [Fact]
    public async Task ClientCertificate_NotIssuedByPortico_IsRefused()
    {
        string ae = DicomTestClient.NewAETitle("FOREIGN");
        await factory.CreateIdentityAsync(ae);
        using var key = System.Security.Cryptography.ECDsa.Create();
        using X509Certificate2 foreign = new CertificateRequest("CN=" + ae, key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        AssertRejected(await DecideAsync(ae, TransportSecurity.TlsClientCertificate, foreign), RejectReason.UserNoReasonGiven, "not issued by Portico");
    }

    private async Task<X509Certificate2> IssueAsync(string id)
    {
        using HttpClient client = factory.Admin();
        using HttpResponseMessage response = await client.PostAsync($"/api/dicom-identities/{id}/client-certificate", null, Ct);
        response.EnsureSuccessStatusCode();
        JsonElement issued = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return X509Certificate2.CreateFromPem(issued.GetProperty("certificatePem").GetString());
    }

    private static void AssertRejected(AssociationDecision decision, RejectReason reason, string why)
    {
        Assert.False(decision.IsAccepted);
        Assert.Equal(RejectResult.RejectedPermanent, decision.RejectResult);
        Assert.Equal(RejectSource.ServiceUser, decision.RejectSource);
        Assert.Equal(reason, decision.RejectReason);
        Assert.Contains(why, decision.Why, StringComparison.Ordinal);
    }
}
