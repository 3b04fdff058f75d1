using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;

namespace Portico.Web.Features.StressTests;

/// <summary>What marks a stress echo (FORMATS.md §3.1, PS3.17 Annex K), strongest evidence first.</summary>
public static class StressEchoEvidence
{
    /// <summary>SCT 433233004 "Exercise stress echocardiography".</summary>
    public const string ExerciseStressEchoCode = "433233004";

    private static readonly DicomTag PerformedProtocolType = new(0x0040, 0x0261);

    /// <summary>The evidence one US instance's header carries, strongest first; null when none.</summary>
    public static (int Rank, string Name)? FromInstance(DicomDataset ds)
    {
        ArgumentNullException.ThrowIfNull(ds);
        if (HasValue(ds, DicomTags.NumberOfStages) || HasValue(ds, DicomTags.NumberOfViewsInStage))
        {
            return (0, "Number of Stages");
        }

        if (string.Equals(ds.GetString(PerformedProtocolType)?.Trim(), "STAGED", StringComparison.OrdinalIgnoreCase))
        {
            return (0, "Performed Protocol Type STAGED");
        }

        if (HasValue(ds, DicomTags.StageNumber) || HasValue(ds, DicomTags.StageName) || ds.GetSequence(DicomTags.StageCodeSequence) is { Items.Count: > 0 })
        {
            return (1, "Stage attributes");
        }

        if (ds.GetSequence(DicomTags.PerformedProtocolCodeSequence) is { } protocol
            && protocol.Items.Any(i => i.GetString(DicomTags.CodeValue)?.Trim() == ExerciseStressEchoCode))
        {
            return (2, "Performed Protocol Code");
        }

        if (MentionsStress(ds.GetString(DicomTags.ProtocolName)))
        {
            return (3, "Protocol Name");
        }

        if (MentionsStress(ds.GetString(DicomTags.PerformedProcedureStepDescription)))
        {
            return (3, "Performed Procedure Step Description");
        }

        return MentionsStress(ds.GetString(DicomTags.StudyDescription)) ? (3, "Study Description") : null;
    }

    /// <summary>Pharmacological variants use other words: match <c>STRESS</c> (§3.1).</summary>
    public static bool MentionsStress(string? text) => text?.Contains("STRESS", StringComparison.OrdinalIgnoreCase) == true;

    private static bool HasValue(DicomDataset ds, DicomTag tag) => !string.IsNullOrWhiteSpace(ds.GetString(tag));
}
