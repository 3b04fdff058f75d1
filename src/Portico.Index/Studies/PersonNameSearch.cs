using System.Text;

namespace Portico.Index.Studies;

/// <summary>
/// The searchable form of a person name: upper case, component separators (<c>^</c>) as single spaces, runs of
/// spaces collapsed, trimmed. <c>Doe^John^^^</c> becomes <c>DOE JOHN</c>, so "doe john", "DOE^JOHN" and "doe*"
/// all find it. Search patterns go through the same normalization.
/// </summary>
public static class PersonNameSearch
{
    public static string Normalize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        var builder = new StringBuilder(name.Length);
        bool pendingSpace = false;
        foreach (char c in name)
        {
            if (c is '^' or ' ' || char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }
}
