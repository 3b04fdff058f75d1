using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Values;

namespace Portico.Ingest.Pipeline;

/// <summary>
/// Writes a copy of a DICOM file with some top-level attributes replaced or removed (a portal upload's new Patient ID and
/// the sender's other patient IDs, a merge's patient identity). Large values (pixel data) are copied from the source file
/// as ranges, never loaded.
/// </summary>
public static class InstanceRewriter
{
    /// <summary>Copies <paramref name="source"/> (seekable) to a new file at <paramref name="destination"/> with <paramref name="replacements"/> applied.</summary>
    public static Task RewriteAsync(Stream source, string destination, IReadOnlyDictionary<DicomTag, string> replacements, CancellationToken cancellationToken) =>
        RewriteAsync(source, destination, replacements, [], cancellationToken);

    /// <summary>
    /// Copies <paramref name="source"/> (seekable) to a new file at <paramref name="destination"/> with
    /// <paramref name="replacements"/> applied and <paramref name="removals"/> left out.
    /// </summary>
    public static async Task RewriteAsync(Stream source, string destination, IReadOnlyDictionary<DicomTag, string> replacements, IReadOnlyCollection<DicomTag> removals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(replacements);
        ArgumentNullException.ThrowIfNull(removals);
        DicomFile file = await DicomFile.ReadAsync(source, DicomFileReadOptions.Default, cancellationToken).ConfigureAwait(false);
        Apply(file.Dataset, replacements, removals);
        await using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.None);
        await DicomFileWriter.WriteAsync(file, output, new DicomFileWriteOptions { PreserveMetaInformation = true }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces (or adds) each attribute, keeping the VR it arrived with when that VR is a text VR.</summary>
    public static void Apply(DicomDataset dataset, IReadOnlyDictionary<DicomTag, string> replacements) => Apply(dataset, replacements, []);

    /// <summary>Removes each of <paramref name="removals"/> (unless also replaced), then applies <paramref name="replacements"/>.</summary>
    public static void Apply(DicomDataset dataset, IReadOnlyDictionary<DicomTag, string> replacements, IReadOnlyCollection<DicomTag> removals)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(replacements);
        ArgumentNullException.ThrowIfNull(removals);
        foreach (DicomTag tag in removals)
        {
            if (!replacements.ContainsKey(tag))
            {
                dataset.Remove(tag);
            }
        }

        foreach ((DicomTag tag, string value) in replacements)
        {
            DicomVR vr = dataset.TryGetElement(tag, out DicomElement? existing) && existing.VR.Info.Kind == DicomValueKind.Text
                ? existing.VR
                : DicomDictionary.Find(tag)?.ImplicitVR ?? DicomVR.LO;
            dataset.AddOrUpdate(tag, vr, value);
        }
    }
}
