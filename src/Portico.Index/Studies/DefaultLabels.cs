namespace Portico.Index.Studies;

/// <summary>Labels that exist from the start (DESIGN.md), seeded by the initial migration with these fixed ids.</summary>
public static class DefaultLabels
{
    /// <summary>Put on every study that came in through the Upload Portal.</summary>
    public const string Uploaded = "Uploaded";

    /// <summary>Put on an uploaded study once a reviewer has dealt with it.</summary>
    public const string UploadedReviewed = "Uploaded-Reviewed";

    public static readonly LabelId UploadedId = new(new Guid("0195f0a0-0000-7000-8000-000000000001"));

    public static readonly LabelId UploadedReviewedId = new(new Guid("0195f0a0-0000-7000-8000-000000000002"));
}
