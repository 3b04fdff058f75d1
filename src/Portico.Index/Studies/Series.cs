namespace Portico.Index.Studies;

public sealed class Series
{
    public SeriesId Id { get; set; } = SeriesId.New();

    /// <summary>Series Instance UID (0020,000E); unique.</summary>
    public string SeriesInstanceUid { get; set; } = "";

    public StudyId StudyId { get; set; }

    public Study Study { get; set; } = null!;

    /// <summary>Series Number (0020,0011).</summary>
    public int? SeriesNumber { get; set; }

    /// <summary>Modality (0008,0060).</summary>
    public string Modality { get; set; } = "";

    /// <summary>Series Description (0008,103E).</summary>
    public string Description { get; set; } = "";

    /// <summary>Body Part Examined (0018,0015).</summary>
    public string BodyPartExamined { get; set; } = "";

    public int NumberOfInstances { get; set; }

    public ICollection<Instance> Instances { get; } = new List<Instance>();
}
