namespace Portico.Dicom.Generator;

/// <summary>A line of an input file, for error messages.</summary>
internal readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => $"{Path.GetFileName(File)}:{Line}";
}
