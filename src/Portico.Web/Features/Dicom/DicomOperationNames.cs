using Portico.Index.Dicom;

namespace Portico.Web.Features.Dicom;

/// <summary>The API's names for DIMSE operations (<c>C-ECHO</c>, <c>C-STORE</c>...) and the index's flags.</summary>
public static class DicomOperationNames
{
    private static readonly (string Name, DicomIdentityOperations Flag)[] Names =
    [
        ("C-ECHO", DicomIdentityOperations.Echo),
        ("C-STORE", DicomIdentityOperations.Store),
        ("C-FIND", DicomIdentityOperations.Find),
        ("C-MOVE", DicomIdentityOperations.Move),
        ("C-GET", DicomIdentityOperations.Get),
    ];

    /// <summary>Every name, in PS3.7 order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Names.Select(n => n.Name)];

    public static string[] ToNames(DicomIdentityOperations operations) =>
        [.. Names.Where(n => operations.HasFlag(n.Flag)).Select(n => n.Name)];

    /// <summary>Parses names (exact, upper case as in PS3.7); false with the first unknown name.</summary>
    public static bool TryParse(IEnumerable<string> names, out DicomIdentityOperations operations, out string? unknown)
    {
        ArgumentNullException.ThrowIfNull(names);
        operations = DicomIdentityOperations.None;
        unknown = null;
        foreach (string name in names)
        {
            int i = Array.FindIndex(Names, n => n.Name == name);
            if (i < 0)
            {
                unknown = name;
                return false;
            }

            operations |= Names[i].Flag;
        }

        return true;
    }
}
