using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Portico.Index;
using Portico.Index.Access;
using Portico.Web.Features.Studies;
using Portico.Web.Features.Transfers;
using Portico.Web.Security;

namespace Portico.Web.Features.StudyList;

/// <summary>
/// The study page: patient and study facts, series, labels and status, sources, and the actions the user's
/// permissions allow (download, change patient identity, send to PACS, delete). Every change goes through
/// <see cref="StudyEditor"/> or <see cref="StudyTransfers"/>, the same code as <c>/api/studies</c>, after the
/// permission is checked again here.
/// </summary>
public sealed partial class StudyPage
{
    private readonly CancellationTokenSource _disposed = new();
    private StudyDetail? _study;
    private bool _notFound;
    private Abilities _can = new(false, false, false, false);
    private OriginalUploadIds? _originalIds;
    private string[] _labelNames = [];
    private string? _newLabel;
    private string _status = "New";
    private string? _message;
    private string? _error;
    private bool _busy;

    private bool _identityOpen;
    private IdentityForm _identity = new();
    private IReadOnlyDictionary<string, string[]>? _identityErrors;

    private bool _sendOpen;
    private List<TransferDestination> _destinations = [];
    private Guid _destinationId;
    private string? _sendError;
    private TransferJobSnapshot? _job;
    private CancellationTokenSource? _polling;

    private bool _deleteOpen;

    /// <summary>Series whose thumbnail failed (no pixel data, or stored in a form the server cannot decode).</summary>
    private readonly HashSet<string> _noPicture = new(StringComparer.Ordinal);

    [Parameter]
    public string StudyInstanceUid { get; set; } = "";

    [Inject]
    private IServiceScopeFactory Scopes { get; set; } = default!;

    [Inject]
    private IAuthorizationService Authorization { get; set; } = default!;

    [Inject]
    private CircuitActor Actor { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private TransferQueue Transfers { get; set; } = default!;

    public void Dispose()
    {
        _polling?.Cancel();
        _polling?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        ClaimsPrincipal user = await Actor.UserAsync();
        _can = new Abilities(
            await AllowedAsync(user, Permissions.StudiesLabel),
            await AllowedAsync(user, Permissions.StudiesChangePatientIdentity),
            await AllowedAsync(user, Permissions.StudiesTransfer),
            await AllowedAsync(user, StudyPermissions.Delete));
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        await using AsyncServiceScope scope = Scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        _study = await StudyDetails.FindAsync(db, StudyInstanceUid, _disposed.Token);
        _notFound = _study is null;
        _status = _study?.WorkflowStatus ?? "New";
        if (_can.Label)
        {
            _labelNames = await StudyDetails.LabelNamesAsync(db, _disposed.Token);
        }

        // The merge dialog compares with the IDs the study was uploaded with: for those allowed to see them.
        _originalIds = _study is not null && _can.ChangeIdentity
            && await Portico.Web.Features.UploadPortal.UploadRecords.FindAsync(db, StudyInstanceUid, showOriginalIds: true, _disposed.Token) is { OriginalPatientId: not null } upload
            ? new OriginalUploadIds(upload.OriginalPatientId, null, upload.OriginalAccessionNumber)
            : null;
    }

    private async Task AddLabelAsync()
    {
        string label = (_newLabel ?? "").Trim();
        if (label.Length == 0)
        {
            _error = "Type a label to add.";
            return;
        }

        if (await ChangeAsync(Permissions.StudiesLabel, (editor, caller) => editor.AddLabelAsync(StudyInstanceUid, label, caller, _disposed.Token), $"Label '{label}' added."))
        {
            _newLabel = null;
        }
    }

    private Task<bool> RemoveLabelAsync(string label) =>
        ChangeAsync(Permissions.StudiesLabel, (editor, caller) => editor.RemoveLabelAsync(StudyInstanceUid, label, caller, _disposed.Token), $"Label '{label}' removed.");

    private Task<bool> SetStatusAsync() =>
        ChangeAsync(Permissions.StudiesLabel, (editor, caller) => editor.SetStatusAsync(StudyInstanceUid, _status, caller, _disposed.Token), $"Status set to {DisplayFormats.Status(_status)}.");

    /// <summary>After <see cref="StudyReviewActions"/> changed the study (or refused): its message, then the study again.</summary>
    private async Task ReviewedAsync(StudyReviewOutcome outcome)
    {
        (_message, _error) = outcome.Failed ? (null, outcome.Message) : (outcome.Message, (string?)null);
        await LoadAsync();
    }

    private void OpenIdentity()
    {
        if (_study is null)
        {
            return;
        }

        PersonNameParts name = PersonNameParts.Parse(_study.PatientName);
        _identity = new IdentityForm
        {
            Family = name.Family,
            Given = name.Given,
            Middle = name.Middle,
            Prefix = name.Prefix,
            Suffix = name.Suffix,
            PatientId = _study.PatientId,
            BirthDate = _study.PatientBirthDate,
            Sex = _study.PatientSex.Trim(),
        };
        _identityErrors = null;
        _identityOpen = true;
    }

    private async Task SaveIdentityAsync()
    {
        PatientIdentityChange change = _identity.ToChange();
        if (change.Validate() is { } errors)
        {
            _identityErrors = errors;
            return;
        }

        _identityErrors = null;
        StudyChangeResult? result = null;
        bool done = await ChangeAsync(
            Permissions.StudiesChangePatientIdentity,
            async (editor, caller) => result = await editor.ChangePatientAsync(StudyInstanceUid, change, caller, _disposed.Token),
            "Patient identity changed.");
        if (done)
        {
            _identityOpen = false;
        }
        else if (result?.Errors is { } invalid)
        {
            _identityErrors = invalid;
        }
    }

    private async Task OpenSendAsync()
    {
        _job = null;
        _sendError = null;
        await using AsyncServiceScope scope = Scopes.CreateAsyncScope();
        _destinations = await scope.ServiceProvider.GetRequiredService<StudyTransfers>().DestinationsAsync(_disposed.Token);
        _destinationId = _destinations.FirstOrDefault(d => d.Enabled)?.Id ?? _destinations.FirstOrDefault()?.Id ?? Guid.Empty;
        _sendOpen = true;
    }

    private async Task StartSendAsync()
    {
        ClaimsPrincipal user = await Actor.UserAsync();
        if (!await AllowedAsync(user, Permissions.StudiesTransfer))
        {
            _sendError = "You do not have the Studies.Transfer permission needed to send studies.";
            return;
        }

        _busy = true;
        try
        {
            await using AsyncServiceScope scope = Scopes.CreateAsyncScope();
            TransferStart start = await scope.ServiceProvider.GetRequiredService<StudyTransfers>()
                .StartAsync(StudyInstanceUid, _destinationId, new StudyCaller(user, Actor.RemoteAddress), _disposed.Token);
            if (start.Job is null)
            {
                _sendError = start.Error;
                return;
            }

            _job = start.Job.Snapshot(withInstances: false);
            _polling?.Cancel();
            _polling = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
            _ = PollAsync(start.Job.Id, _polling.Token);
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Reads the job's state every second while the dialog is open, until it ends.</summary>
    private async Task PollAsync(Guid jobId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                TransferJobSnapshot? snapshot = Transfers.Find(jobId)?.Snapshot(withInstances: false);
                await InvokeAsync(() =>
                {
                    _job = snapshot ?? _job;
                    StateHasChanged();
                });
                if (snapshot is null || snapshot.State is TransferState.Completed or TransferState.CompletedWithFailures or TransferState.Failed)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void CloseSend()
    {
        _polling?.Cancel();
        _sendOpen = false;
    }

    private async Task DeleteAsync()
    {
        if (await ChangeAsync(StudyPermissions.Delete, (editor, caller) => editor.DeleteAsync(StudyInstanceUid, caller, _disposed.Token), "Study deleted.", reload: false))
        {
            _deleteOpen = false;
            Navigation.NavigateTo("/");
        }
    }

    /// <summary>Checks the permission again, runs the change in its own scope, shows the outcome and reloads the study.</summary>
    private async Task<bool> ChangeAsync(string permission, Func<StudyEditor, StudyCaller, Task<StudyChangeResult>> change, string success, bool reload = true)
    {
        _message = null;
        _error = null;
        ClaimsPrincipal user = await Actor.UserAsync();
        if (!await AllowedAsync(user, permission))
        {
            _error = $"You do not have the {permission} permission needed for this.";
            return false;
        }

        _busy = true;
        try
        {
            StudyChangeResult result;
            await using (AsyncServiceScope scope = Scopes.CreateAsyncScope())
            {
                result = await change(scope.ServiceProvider.GetRequiredService<StudyEditor>(), new StudyCaller(user, Actor.RemoteAddress));
            }

            switch (result.Outcome)
            {
                case StudyChangeOutcome.Done:
                    _message = success;
                    break;
                case StudyChangeOutcome.NotFound:
                    _error = "The study no longer exists: it may have been deleted.";
                    break;
                default:
                    _error = string.Join(" ", (result.Errors ?? new Dictionary<string, string[]>()).SelectMany(e => e.Value));
                    break;
            }

            if (reload && result.Outcome != StudyChangeOutcome.Invalid)
            {
                await LoadAsync();
            }

            return result.Outcome == StudyChangeOutcome.Done;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task<bool> AllowedAsync(ClaimsPrincipal user, string policy) => (await Authorization.AuthorizeAsync(user, policy)).Succeeded;

    private string? Invalid(string field) => _identityErrors?.ContainsKey(field) == true ? "true" : null;

    private string ViewerUrl(string seriesUid) =>
        $"/studies/{Uri.EscapeDataString(StudyInstanceUid)}/viewer?series={Uri.EscapeDataString(seriesUid)}";

    private string ThumbnailUrl(string seriesUid) => Portico.Web.Features.DicomWeb.DicomWebApi.SeriesThumbnailUrl(StudyInstanceUid, seriesUid, 96);

    private static string Plural(int count, string one, string many) => $"{count} {(count == 1 ? one : many)}";

    private static string Or(string? value) => string.IsNullOrWhiteSpace(value) ? "—" : value;

    private static string TransferText(TransferState state) => state switch
    {
        TransferState.Queued => "Waiting to start",
        TransferState.Running => "Sending",
        TransferState.Retrying => "Retrying",
        TransferState.Completed => "Sent",
        TransferState.CompletedWithFailures => "Sent with failures",
        _ => "Failed",
    };

    private sealed record Abilities(bool Label, bool ChangeIdentity, bool Transfer, bool Delete);

    /// <summary>The identity dialog's fields.</summary>
    private sealed class IdentityForm
    {
        public string Family { get; set; } = "";

        public string Given { get; set; } = "";

        public string Middle { get; set; } = "";

        public string Prefix { get; set; } = "";

        public string Suffix { get; set; } = "";

        public string PatientId { get; set; } = "";

        public DateOnly? BirthDate { get; set; }

        public string Sex { get; set; } = "";

        public string Reason { get; set; } = "";

        public PatientIdentityChange ToChange() =>
            new(new PersonNameParts(Family.Trim(), Given.Trim(), Middle.Trim(), Prefix.Trim(), Suffix.Trim()), PatientId, BirthDate, Sex, Reason);
    }
}
