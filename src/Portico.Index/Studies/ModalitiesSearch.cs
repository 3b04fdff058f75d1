namespace Portico.Index.Studies;

/// <summary>
/// The searchable form of Modalities in Study: <c>CT\US</c> becomes <c>|CT|US|</c>, so a modality filter is an exact
/// token match (<c>|US|</c> does not match <c>|IVUS|</c>) that needs no LIKE escaping on either provider.
/// </summary>
public static class ModalitiesSearch
{
    public const char Separator = '|';

    public static string Normalize(string? modalities)
    {
        if (string.IsNullOrWhiteSpace(modalities))
        {
            return "";
        }

        string[] values = modalities
            .Split('\\', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(m => m.ToUpperInvariant().Replace(Separator, '_'))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return values.Length == 0 ? "" : $"{Separator}{string.Join(Separator, values)}{Separator}";
    }

    /// <summary>The token that a study's <see cref="Study.ModalitiesSearch"/> contains when it has <paramref name="modality"/>.</summary>
    public static string Token(string modality) =>
        $"{Separator}{modality.Trim().ToUpperInvariant().Replace(Separator, '_')}{Separator}";
}
