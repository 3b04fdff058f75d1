namespace Portico.Web.Features.Transfers;

/// <summary>
/// One study sent to one DICOM Identity: the job the Study page's <i>Send to PACS</i> and
/// <c>POST /api/studies/{studyUid}/send</c> start. Updated by the worker, read by the API through <see cref="Snapshot"/>.
/// </summary>
public sealed class TransferJob
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, InstanceTransferResult> _results = new(StringComparer.Ordinal);
    private TransferState _state = TransferState.Queued;
    private int _attempts;
    private int _total;
    private string? _lastError;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _finishedAt;

    public TransferJob(Guid id, string studyInstanceUid, Guid identityId, string destination, string requestedBy, DateTimeOffset createdAt)
    {
        Id = id;
        StudyInstanceUid = studyInstanceUid;
        IdentityId = identityId;
        Destination = destination;
        RequestedBy = requestedBy;
        CreatedAt = createdAt;
    }

    public Guid Id { get; }

    public string StudyInstanceUid { get; }

    public Guid IdentityId { get; }

    /// <summary>The identity's name and AE title, for display ("Main PACS (MAINPACS)").</summary>
    public string Destination { get; }

    public string RequestedBy { get; }

    public DateTimeOffset CreatedAt { get; }

    public bool IsFinished
    {
        get
        {
            lock (_gate)
            {
                return _state is TransferState.Completed or TransferState.CompletedWithFailures or TransferState.Failed;
            }
        }
    }

    /// <summary>Instances not yet accepted by the destination (the next attempt sends these).</summary>
    public IReadOnlyList<string> Pending(IEnumerable<string> all)
    {
        lock (_gate)
        {
            return [.. all.Where(uid => !_results.TryGetValue(uid, out InstanceTransferResult? r) || !r.Accepted)];
        }
    }

    public void Start(int total, DateTimeOffset now)
    {
        lock (_gate)
        {
            _state = TransferState.Running;
            _total = total;
            _attempts++;
            _startedAt ??= now;
        }
    }

    public void Record(InstanceTransferResult result)
    {
        lock (_gate)
        {
            _results[result.SopInstanceUid] = result;
        }
    }

    public void Retrying(string error)
    {
        lock (_gate)
        {
            _state = TransferState.Retrying;
            _lastError = error;
        }
    }

    public void Finish(string? error, DateTimeOffset now)
    {
        lock (_gate)
        {
            int accepted = _results.Values.Count(r => r.Accepted);
            _state = accepted == _total && _total > 0 ? TransferState.Completed : accepted == 0 ? TransferState.Failed : TransferState.CompletedWithFailures;
            _lastError = error ?? _lastError;
            if (_state == TransferState.Completed)
            {
                _lastError = null;
            }

            _finishedAt = now;
        }
    }

    public TransferJobSnapshot Snapshot(bool withInstances)
    {
        lock (_gate)
        {
            int sent = _results.Values.Count(r => r.Accepted);
            int failed = _results.Values.Count(r => !r.Accepted);
            return new TransferJobSnapshot(
                Id, StudyInstanceUid, IdentityId, Destination, RequestedBy, _state, _total, sent, failed, _attempts, _lastError,
                CreatedAt, _startedAt, _finishedAt, withInstances ? [.. _results.Values.OrderBy(r => r.SopInstanceUid, StringComparer.Ordinal)] : null);
        }
    }
}

/// <summary>What the destination answered for one instance.</summary>
/// <param name="SopInstanceUid">The instance.</param>
/// <param name="Accepted">True for a success or warning status.</param>
/// <param name="Status">The C-STORE-RSP status, as four hexadecimal digits; null when no answer came.</param>
/// <param name="Comment">The Error Comment, or why no answer came.</param>
public sealed record InstanceTransferResult(string SopInstanceUid, bool Accepted, string? Status, string? Comment);

/// <summary>A transfer job as the API shows it.</summary>
public sealed record TransferJobSnapshot(
    Guid Id,
    string StudyInstanceUid,
    Guid IdentityId,
    string Destination,
    string RequestedBy,
    TransferState State,
    int Total,
    int Sent,
    int Failed,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<InstanceTransferResult>? Instances);
