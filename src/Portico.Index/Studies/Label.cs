namespace Portico.Index.Studies;

/// <summary>A label that studies can carry (<see cref="DefaultLabels"/> are seeded). Names are unique.</summary>
public sealed class Label
{
    public LabelId Id { get; set; } = LabelId.New();

    public string Name { get; set; } = "";
}
