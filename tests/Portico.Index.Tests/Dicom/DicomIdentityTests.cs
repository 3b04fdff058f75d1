using Microsoft.EntityFrameworkCore;
using Portico.Index.Dicom;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests.Dicom;

public abstract class DicomIdentityTests(IIndexDatabase database)
{
    public sealed class Sqlite(SqliteTestDatabase database) : DicomIdentityTests(database), IClassFixture<SqliteTestDatabase>;

    public sealed class Postgres(PostgresTestDatabase database) : DicomIdentityTests(database), IClassFixture<PostgresTestDatabase>;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewAETitle() => ("AE" + Guid.NewGuid().ToString("N"))[..16];

    [Fact]
    public async Task SaveChanges_Identity_IsStoredWithEveryField()
    {
        var at = new DateTime(2026, 1, 2, 3, 4, 5, 600, DateTimeKind.Utc);
        var identity = new DicomIdentity
        {
            Name = "Room1_EPIQ7",
            AETitle = NewAETitle(),
            Enabled = false,
            AllowAnonymousTls = true,
            AllowedOperations = DicomIdentityOperations.Echo | DicomIdentityOperations.Find | DicomIdentityOperations.Get,
            Host = "epiq.example.org",
            Port = 104,
            AllowedAddresses = ["10.1.0.0/16", "fd00::1"],
            CreatedAt = at,
            UpdatedAt = at,
            LastAssociationAt = at,
            AssociationCount = 3,
            InstancesReceived = 300,
            BytesReceived = 5_000_000_000,
            LastRefusedAt = at,
            LastRefusalReason = "DICOM Identity 'Room1_EPIQ7' is disabled",
        };
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.DicomIdentities.Add(identity);
            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext check = database.CreateContext();
        DicomIdentity stored = await check.DicomIdentities.SingleAsync(i => i.Id == identity.Id, Ct);
        Assert.Equal(
            (identity.Name, identity.AETitle, identity.Enabled, identity.AllowAnonymousTls, identity.AllowedOperations, identity.Host, identity.Port),
            (stored.Name, stored.AETitle, stored.Enabled, stored.AllowAnonymousTls, stored.AllowedOperations, stored.Host, stored.Port));
        Assert.Equal(identity.AllowedAddresses, stored.AllowedAddresses);
        Assert.Equal((3L, 300L, 5_000_000_000L), (stored.AssociationCount, stored.InstancesReceived, stored.BytesReceived));
        Assert.Equal(at, stored.LastAssociationAt);
        Assert.Equal(DateTimeKind.Utc, stored.LastRefusedAt!.Value.Kind);
        Assert.Equal(identity.LastRefusalReason, stored.LastRefusalReason);
    }

    [Fact]
    public async Task AETitle_IsUnique_AndCaseSensitive()
    {
        string ae = NewAETitle().ToUpperInvariant();
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.DicomIdentities.Add(new DicomIdentity { Name = "upper", AETitle = ae });
            db.DicomIdentities.Add(new DicomIdentity { Name = "lower", AETitle = ae.ToLowerInvariant() });
            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext again = database.CreateContext();
        again.DicomIdentities.Add(new DicomIdentity { Name = "duplicate", AETitle = ae });
        await Assert.ThrowsAsync<DbUpdateException>(() => again.SaveChangesAsync(Ct));
        await using PorticoDbContext check = database.CreateContext();
        Assert.Equal("upper", await check.DicomIdentities.Where(i => i.AETitle == ae).Select(i => i.Name).SingleAsync(Ct));
    }

    [Fact]
    public async Task Delete_Identity_DeletesItsCertificates_ButNotItsLogRows()
    {
        var identity = new DicomIdentity { Name = "cert", AETitle = NewAETitle() };
        string thumbprint = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        identity.ClientCertificates.Add(new DicomClientCertificate
        {
            SerialNumber = "01AB",
            Thumbprint = thumbprint,
            Subject = "CN=" + identity.AETitle,
            IssuedAt = DateTime.UtcNow,
            ExpiresAt = DateTime.UtcNow.AddYears(2),
        });
        var entry = new DicomAssociationLogEntry
        {
            StartedAt = DateTime.UtcNow,
            CallingAETitle = identity.AETitle,
            CalledAETitle = "PORTICO",
            TlsMode = "TlsClientCertificate",
            Outcome = "Released",
            Accepted = true,
            IdentityId = identity.Id,
            StoreCount = 2,
            BytesReceived = 1234,
        };
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.DicomIdentities.Add(identity);
            db.DicomAssociationLog.Add(entry);
            await db.SaveChangesAsync(Ct);
        }

        await using (PorticoDbContext db = database.CreateContext())
        {
            Assert.Equal(identity.Id, (await db.DicomClientCertificates.SingleAsync(c => c.Thumbprint == thumbprint, Ct)).IdentityId);
            db.DicomIdentities.Remove(await db.DicomIdentities.SingleAsync(i => i.Id == identity.Id, Ct));
            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext check = database.CreateContext();
        Assert.False(await check.DicomClientCertificates.AnyAsync(c => c.Thumbprint == thumbprint, Ct));
        DicomAssociationLogEntry stored = await check.DicomAssociationLog.SingleAsync(e => e.Id == entry.Id, Ct);
        Assert.Equal(identity.Id, stored.IdentityId);
        Assert.Equal((2, 1234L), (stored.StoreCount, stored.BytesReceived));
    }
}
