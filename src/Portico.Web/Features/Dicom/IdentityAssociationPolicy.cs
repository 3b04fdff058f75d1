using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portico.Dicom.Network;
using Portico.Dicom.Network.Services;
using Portico.Index;
using Portico.Index.Dicom;

namespace Portico.Web.Features.Dicom;

/// <summary>
/// The DICOM Identity check (<see cref="IAssociationPolicy"/>), from an in-memory snapshot of the identities and their
/// client certificates: no database round trip per association. API writes call <see cref="Invalidate"/>; the snapshot
/// is also reloaded after <see cref="MaxAge"/>, so several nodes sharing a PostgreSQL index converge. It is loaded in
/// the background when the DICOM listener starts and after every change (<see cref="LoadInBackground"/>), so the first
/// association after either does not wait for the database (on a fresh server, also for the queries' compilation: about
/// 500 methods of EF Core and LINQ expressions).
/// <para>Rules, in order (the called AE title is checked by the network layer before):</para>
/// <list type="number">
/// <item>The calling AE title must be an identity's, compared exactly (case-sensitive). Else rejected-permanent,
/// service-user, calling-AE-title-not-recognized.</item>
/// <item>The identity must be enabled. Else the same codes (to the device it is an AE title Portico does not take).</item>
/// <item>When the identity lists allowed addresses, the peer's address must be in one. Else rejected-permanent,
/// service-user, no-reason-given: PS3.8 has no reason for "wrong address", and the AE title itself is recognized.</item>
/// <item>On the TLS port without a client certificate, the identity must allow anonymous TLS; with a client
/// certificate, it must be one Portico issued for this identity and not revoked (matched by SHA-256 thumbprint).
/// Else rejected-permanent, service-user, no-reason-given.</item>
/// </list>
/// <para>The plain port is open to every enabled identity. Accepted associations get the identity's operations and a
/// <see cref="DicomIdentityState"/>.</para>
/// </summary>
public sealed partial class IdentityAssociationPolicy(IDbContextFactory<PorticoDbContext> contexts, TimeProvider clock, ILogger<IdentityAssociationPolicy> logger)
    : IAssociationPolicy, IDisposable
{
    /// <summary>The snapshot is reloaded at least this often even without an <see cref="Invalidate"/>.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    /// <summary>A disabled identity that keeps calling is worth a warning, once an hour, not once per association.</summary>
    private static readonly TimeSpan WarnEvery = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly ConcurrentDictionary<DicomIdentityId, DateTimeOffset> _warnedDisabled = new();
    private Snapshot? _snapshot;
    private long _generation;

    /// <summary>
    /// Drops the snapshot and loads it again in the background. Called after every identity or certificate change, once
    /// it is committed; an association arriving before the load ends waits for it.
    /// </summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _snapshot, null);
        LoadInBackground();
    }

    /// <summary>Loads the snapshot on a pool thread unless a fresh one is there. A failure is logged; the next association tries again.</summary>
    public void LoadInBackground() => _ = Task.Run(LoadQuietlyAsync);

    private async Task LoadQuietlyAsync()
    {
        try
        {
            await GetSnapshotAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogBackgroundLoadFailed(logger, ex);
        }
    }

    /// <summary>A snapshot younger than <see cref="MaxAge"/> is there: the next association takes no database round trip.</summary>
    internal bool HasFreshSnapshot => Volatile.Read(ref _snapshot) is { } current && clock.GetUtcNow() - current.LoadedAt < MaxAge;

    public void Dispose() => _loading.Dispose();

    public async ValueTask<AssociationDecision> DecideAsync(AssociationRequestInfo request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Snapshot snapshot = await GetSnapshotAsync(cancellationToken);
        return Decide(snapshot, request);
    }

    private AssociationDecision Decide(Snapshot snapshot, AssociationRequestInfo request)
    {
        if (!snapshot.ByAETitle.TryGetValue(request.CallingAETitle, out Entry? identity))
        {
            return Refuse(RejectReason.CallingAETitleNotRecognized, $"AE title '{request.CallingAETitle}' is not registered as a DICOM Identity");
        }

        if (!identity.Enabled)
        {
            WarnDisabled(identity, request);
            return Refuse(RejectReason.CallingAETitleNotRecognized, $"DICOM Identity '{identity.Name}' is disabled");
        }

        if (!identity.Addresses.Contains(request.RemoteEndPoint?.Address))
        {
            return Refuse(RejectReason.UserNoReasonGiven,
                $"DICOM Identity '{identity.Name}' may not call from {request.RemoteEndPoint?.Address.ToString() ?? "an unknown address"} (not among its allowed addresses)");
        }

        switch (request.Security)
        {
            case TransportSecurity.TlsAnonymous when !identity.AllowAnonymousTls:
                return Refuse(RejectReason.UserNoReasonGiven,
                    $"DICOM Identity '{identity.Name}': a client certificate is required for this identity (anonymous TLS is not allowed)");
            case TransportSecurity.TlsClientCertificate:
                string? why = CheckCertificate(snapshot, identity, request);
                if (why is not null)
                {
                    return Refuse(RejectReason.UserNoReasonGiven, $"DICOM Identity '{identity.Name}': {why}");
                }

                break;
        }

        return AssociationDecision.Accept((DimseOperations)(int)identity.Operations, new DicomIdentityState(identity.Id.Value, identity.Name, identity.AETitle));
    }

    private static string? CheckCertificate(Snapshot snapshot, Entry identity, AssociationRequestInfo request)
    {
        if (request.ClientCertificate is null)
        {
            return "no client certificate was presented";
        }

        string thumbprint = request.ClientCertificate.GetCertHashString(HashAlgorithmName.SHA256);
        if (!snapshot.Certificates.TryGetValue(thumbprint, out CertificateEntry? certificate))
        {
            return "the client certificate was not issued by Portico for a DICOM Identity";
        }

        if (certificate.IdentityId != identity.Id)
        {
            return $"the certificate was issued for another identity ('{certificate.IdentityName}')";
        }

        return certificate.RevokedAt is { } revoked
            ? $"the client certificate was revoked on {revoked:yyyy-MM-dd HH:mm} UTC; issue a new one"
            : null;
    }

    private void WarnDisabled(Entry identity, AssociationRequestInfo request)
    {
        DateTimeOffset now = clock.GetUtcNow();
        if (_warnedDisabled.TryGetValue(identity.Id, out DateTimeOffset last) && now - last < WarnEvery)
        {
            return;
        }

        _warnedDisabled[identity.Id] = now;
        LogDisabledCalling(logger, identity.AETitle, identity.Name, request.RemoteEndPoint?.Address.ToString());
    }

    [LoggerMessage(5721, LogLevel.Warning, "Loading the DICOM Identities in the background failed; the next association loads them")]
    private static partial void LogBackgroundLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(5720, LogLevel.Warning, "DICOM Identity {Name} ({AETitle}) is disabled but still calling, from {RemoteAddress}; its associations are refused")]
    private static partial void LogDisabledCalling(ILogger logger, string aeTitle, string name, string? remoteAddress);

    private static AssociationDecision Refuse(RejectReason reason, string why) =>
        AssociationDecision.Reject(RejectResult.RejectedPermanent, reason.Source(), reason, why);

    private async ValueTask<Snapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        Snapshot? current = Volatile.Read(ref _snapshot);
        if (current is not null && clock.GetUtcNow() - current.LoadedAt < MaxAge)
        {
            return current;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            current = Volatile.Read(ref _snapshot);
            if (current is not null && clock.GetUtcNow() - current.LoadedAt < MaxAge)
            {
                return current;
            }

            long generation = Interlocked.Read(ref _generation);
            Snapshot loaded = await LoadAsync(cancellationToken);
            // A write during the load may be missing from it: use it for this association, keep it only if none came.
            Interlocked.CompareExchange(ref _snapshot, generation == Interlocked.Read(ref _generation) ? loaded : null, current);
            return loaded;
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        await using PorticoDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        List<DicomIdentity> identities = await db.DicomIdentities.AsNoTracking().ToListAsync(cancellationToken);
        var certificates = await db.DicomClientCertificates.AsNoTracking()
            .Select(c => new { c.Thumbprint, c.IdentityId, c.RevokedAt })
            .ToListAsync(cancellationToken);
        Dictionary<DicomIdentityId, string> names = identities.ToDictionary(i => i.Id, i => i.Name);
        return new Snapshot(
            now,
            identities.ToFrozenDictionary(
                i => i.AETitle,
                i => new Entry(i.Id, i.Name, i.AETitle, i.Enabled, i.AllowAnonymousTls, i.AllowedOperations, AllowedAddresses.Parse(i.AllowedAddresses)),
                StringComparer.Ordinal),
            certificates.ToFrozenDictionary(
                c => c.Thumbprint,
                c => new CertificateEntry(c.IdentityId, names.GetValueOrDefault(c.IdentityId, "?"), c.RevokedAt),
                StringComparer.OrdinalIgnoreCase));
    }

    private sealed record Snapshot(DateTimeOffset LoadedAt, FrozenDictionary<string, Entry> ByAETitle, FrozenDictionary<string, CertificateEntry> Certificates);

    private sealed record Entry(DicomIdentityId Id, string Name, string AETitle, bool Enabled, bool AllowAnonymousTls, DicomIdentityOperations Operations, AllowedAddresses Addresses);

    private sealed record CertificateEntry(DicomIdentityId IdentityId, string IdentityName, DateTime? RevokedAt);
}
