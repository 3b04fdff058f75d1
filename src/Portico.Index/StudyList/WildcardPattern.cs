using System.Text;

namespace Portico.Index.StudyList;

/// <summary>DICOM wildcard matching (PS3.4 §C.2.2.2.4: <c>*</c> and <c>?</c>) turned into SQL LIKE.</summary>
internal static class WildcardPattern
{
    /// <summary>The escape character passed with every LIKE (the same on SQLite and PostgreSQL).</summary>
    public const string Escape = "\\";

    public static bool HasWildcards(string pattern) => pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>The LIKE pattern for a DICOM pattern; LIKE's own metacharacters in it are matched literally.</summary>
    public static string ToLike(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 8);
        foreach (char c in pattern)
        {
            switch (c)
            {
                case '*':
                    builder.Append('%');
                    break;
                case '?':
                    builder.Append('_');
                    break;
                case '%' or '_' or '\\':
                    builder.Append('\\').Append(c);
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }
}
