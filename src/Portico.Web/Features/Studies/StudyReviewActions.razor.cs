using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Studies;
using Portico.Web.Security;

namespace Portico.Web.Features.Studies;

/// <summary>
/// The Patient ID (and issuer, accession) an uploaded study arrived with before the Upload Portal replaced them, kept
/// in its upload record. Shown in the merge comparison; only users with <c>Studies.ChangePatientIdentity</c> see it.
/// </summary>
public sealed record OriginalUploadIds(string? PatientId, string? IssuerOfPatientId, string? AccessionNumber)
{
    /// <summary>Prints nothing of the values: they are patient data.</summary>
    public override string ToString() => nameof(OriginalUploadIds);
}

/// <summary>What a review action tells the study page: the message to show, and whether it is an error.</summary>
public sealed record StudyReviewOutcome(string Message, bool Failed);

/// <summary>
/// <i>Mark as reviewed</i> and <i>Merge with patient</i> on the study page. Both go through <see cref="StudyEditor"/>
/// (the same code as <c>/api/studies</c>) after the permission is checked again; the page is told to reload with a
/// message.
/// </summary>
public sealed partial class StudyReviewActions
{
    private bool _canLabel;
    private bool _canMerge;
    private bool _busy;
    private bool _mergeOpen;
    private string? _search;
    private PatientPage? _results;
    private PatientRow? _chosen;
    private string? _reason;
    private bool _reasonMissing;
    private string? _mergeError;

    /// <summary>The study as the page shows it.</summary>
    [Parameter, EditorRequired]
    public StudyDetail Study { get; set; } = default!;

    /// <summary>
    /// The IDs the study was uploaded with (the Upload Portal keeps them); null shows no such row. The page passes them
    /// only to users allowed to see them.
    /// </summary>
    [Parameter]
    public OriginalUploadIds? OriginalIds { get; set; }

    /// <summary>Called after a change, or a refusal, with the message to show; the page reloads the study.</summary>
    [Parameter]
    public EventCallback<StudyReviewOutcome> OnChanged { get; set; }

    [Inject]
    private IServiceScopeFactory Scopes { get; set; } = default!;

    [Inject]
    private IAuthorizationService Authorization { get; set; } = default!;

    [Inject]
    private CircuitActor Actor { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        ClaimsPrincipal user = await Actor.UserAsync();
        _canLabel = await AllowedAsync(user, Permissions.StudiesLabel);
        _canMerge = await AllowedAsync(user, Permissions.StudiesChangePatientIdentity);
    }

    private async Task MarkReviewedAsync()
    {
        StudyChangeResult? result = await RunAsync(Permissions.StudiesLabel, (editor, caller) => editor.MarkReviewedAsync(Study.StudyInstanceUid, caller, CancellationToken.None));
        if (result is not null)
        {
            await OnChanged.InvokeAsync(result.Outcome == StudyChangeOutcome.Done
                ? new StudyReviewOutcome($"Marked as reviewed: label {DefaultLabels.Uploaded} replaced by {DefaultLabels.UploadedReviewed}.", Failed: false)
                : new StudyReviewOutcome(Describe(result), Failed: true));
        }
    }

    private void OpenMerge()
    {
        _search = PersonNameParts.Parse(Study.PatientName).Family;
        _results = null;
        _chosen = null;
        _reason = null;
        _reasonMissing = false;
        _mergeError = null;
        _mergeOpen = true;
    }

    private void CloseMerge() => _mergeOpen = false;

    private async Task SearchAsync()
    {
        _mergeError = null;
        _busy = true;
        try
        {
            await using AsyncServiceScope scope = Scopes.CreateAsyncScope();
            _results = await PatientSearch.SearchAsync(scope.ServiceProvider.GetRequiredService<PorticoDbContext>(), (_search ?? "").Trim(), 1, PatientSearch.DefaultPageSize, CancellationToken.None);
            if (_chosen is not null && _results.Items.All(p => p.Id != _chosen.Id))
            {
                _chosen = null;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private void Choose(PatientRow patient)
    {
        _chosen = patient;
        _mergeError = null;
    }

    private void ReasonChanged()
    {
        if (_reasonMissing && !string.IsNullOrWhiteSpace(_reason))
        {
            _reasonMissing = false;
            _mergeError = null;
        }
    }

    private async Task MergeAsync()
    {
        if (_chosen is not { } target)
        {
            _mergeError = "Choose the patient to merge with.";
            return;
        }

        _reasonMissing = string.IsNullOrWhiteSpace(_reason);
        if (_reasonMissing)
        {
            _mergeError = "A reason is required: it goes to the audit log.";
            return;
        }

        _mergeError = null;
        StudyChangeResult? result = await RunAsync(
            Permissions.StudiesChangePatientIdentity,
            (editor, caller) => editor.MergeAsync(Study.StudyInstanceUid, new PatientRecordId(target.Id), _reason, caller, CancellationToken.None));
        if (result is null)
        {
            return;
        }

        if (result.Outcome != StudyChangeOutcome.Done)
        {
            _mergeError = Describe(result);
            return;
        }

        _mergeOpen = false;
        await OnChanged.InvokeAsync(new StudyReviewOutcome($"Merged with patient {DisplayFormats.PersonName(target.PatientName)} ({Or(target.PatientId)}): the stored files carry the new identity.", Failed: false));
    }

    /// <summary>Checks the permission again and runs the change in its own scope; null (with the error shown) when refused.</summary>
    private async Task<StudyChangeResult?> RunAsync(string permission, Func<StudyEditor, StudyCaller, Task<StudyChangeResult>> change)
    {
        ClaimsPrincipal user = await Actor.UserAsync();
        if (!await AllowedAsync(user, permission))
        {
            _mergeError = $"You do not have the {permission} permission needed for this.";
            await OnChanged.InvokeAsync(new StudyReviewOutcome(_mergeError, Failed: true));
            return null;
        }

        _busy = true;
        try
        {
            await using AsyncServiceScope scope = Scopes.CreateAsyncScope();
            return await change(scope.ServiceProvider.GetRequiredService<StudyEditor>(), new StudyCaller(user, Actor.RemoteAddress));
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>The study's own patient among the results (same identity): it cannot be chosen.</summary>
    private bool IsOwn(PatientRow p) =>
        p.PatientName == Study.PatientName && p.PatientId == Study.PatientId && p.IssuerOfPatientId == Study.IssuerOfPatientId
        && p.BirthDate == Study.PatientBirthDate && p.Sex == Study.PatientSex;

    private static string Describe(StudyChangeResult result) => result.Outcome switch
    {
        StudyChangeOutcome.NotFound => "The study no longer exists: it may have been deleted.",
        _ => string.Join(" ", (result.Errors ?? new Dictionary<string, string[]>()).SelectMany(e => e.Value)),
    };

    private async Task<bool> AllowedAsync(ClaimsPrincipal user, string policy) => (await Authorization.AuthorizeAsync(user, policy)).Succeeded;

    private static string Or(string? value) => string.IsNullOrWhiteSpace(value) ? "—" : value;
}
