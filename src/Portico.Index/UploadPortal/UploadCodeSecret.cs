using System.Security.Cryptography;
using System.Text;

namespace Portico.Index.UploadPortal;

/// <summary>
/// Upload codes: 15 characters from an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V), in three
/// groups of five (<c>K7QXH-MR4DT-9WEAN</c>): 23^15, about 68 bits. Typed in any case, with or without the dashes or
/// spaces; stored only as the SHA-256 of the normalised form.
/// </summary>
public static class UploadCodeSecret
{
    public const string Alphabet = "ACDEFGHJKMNPQRTWXY34679"; // 23 letters and digits nobody confuses
    public const int Length = 15;
    public const int GroupLength = 5;

    /// <summary>Bits of randomness in a code.</summary>
    public static double EntropyBits => Length * Math.Log2(Alphabet.Length);

    /// <summary>A new code, grouped for reading aloud and typing.</summary>
    public static string Generate()
    {
        Span<char> chars = stackalloc char[Length];
        for (int i = 0; i < Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        var grouped = new StringBuilder(Length + (Length / GroupLength));
        for (int i = 0; i < Length; i++)
        {
            if (i > 0 && i % GroupLength == 0)
            {
                grouped.Append('-');
            }

            grouped.Append(chars[i]);
        }

        return grouped.ToString();
    }

    /// <summary>What a person typed, in the form that is hashed: upper case, separators removed; null when it cannot be a code.</summary>
    public static string? Normalise(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed) || typed.Length > 64)
        {
            return null;
        }

        var code = new StringBuilder(Length);
        foreach (char c in typed)
        {
            if (c is '-' or ' ' or '\t')
            {
                continue;
            }

            char upper = char.ToUpperInvariant(c);
            if (!Alphabet.Contains(upper, StringComparison.Ordinal))
            {
                return null;
            }

            code.Append(upper);
        }

        return code.Length == Length ? code.ToString() : null;
    }

    /// <summary>SHA-256 of the normalised code, 64 lower-case hex digits.</summary>
    public static string Hash(string normalised)
    {
        ArgumentNullException.ThrowIfNull(normalised);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(normalised)));
    }
}
