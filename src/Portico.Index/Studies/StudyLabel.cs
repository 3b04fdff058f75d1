namespace Portico.Index.Studies;

/// <summary>A label on a study: who put it there and when.</summary>
public sealed class StudyLabel
{
    public StudyId StudyId { get; set; }

    public Study Study { get; set; } = null!;

    public LabelId LabelId { get; set; }

    public Label Label { get; set; } = null!;

    /// <summary>When the label was added (UTC).</summary>
    public DateTime AddedAt { get; set; }

    /// <summary>Who added it: a user's e-mail, an API key name, or a source such as an upload code.</summary>
    public string AddedBy { get; set; } = "";
}
