namespace Portico.Dicom.Generator;

/// <summary>A file the generator writes, relative to the Portico.Dicom project folder.</summary>
internal sealed record GeneratedFile(string RelativePath, string Content);
