using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Portico.Storage;

/// <summary>
/// The content address of a blob: the SHA-256 of its bytes, written as exactly 64 lowercase hexadecimal characters.
/// </summary>
/// <remarks>
/// Construction validates the text, so every blob path is built from 64 characters of <c>[0-9a-f]</c> and nothing
/// else: no separator, no dot, no traversal. <c>default(BlobKey)</c> holds no value; the store refuses it.
/// </remarks>
public readonly record struct BlobKey(string Sha256Hex) : IParsable<BlobKey>
{
    /// <summary>Number of characters of a key (32 bytes of SHA-256 in hexadecimal).</summary>
    public const int HexLength = 64;

    private static readonly SearchValues<char> LowercaseHexDigits = SearchValues.Create("0123456789abcdef");

    /// <summary>The SHA-256 as 64 lowercase hexadecimal characters.</summary>
    public string Sha256Hex { get; } = IsValid(Sha256Hex)
        ? Sha256Hex
        : throw new FormatException("A blob key is exactly 64 lowercase hexadecimal characters.");

    /// <summary>True for <c>default(BlobKey)</c>, which names no blob.</summary>
    public bool IsDefault => Sha256Hex is null;

    /// <summary>The key of a SHA-256 digest.</summary>
    public static BlobKey FromHash(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"A SHA-256 digest is {SHA256.HashSizeInBytes} bytes, not {sha256.Length}.", nameof(sha256));
        }

        return new BlobKey(Convert.ToHexStringLower(sha256));
    }

    /// <summary>Parses 64 lowercase hexadecimal characters; throws <see cref="FormatException"/> otherwise.</summary>
    public static BlobKey Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new BlobKey(s);
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static BlobKey Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <summary>Parses 64 lowercase hexadecimal characters; anything else (upper case, other lengths, separators) is refused.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out BlobKey result)
    {
        if (IsValid(s))
        {
            result = new BlobKey(s);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc cref="TryParse(string?, out BlobKey)"/>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out BlobKey result) => TryParse(s, out result);

    /// <summary>True when <paramref name="s"/> is exactly 64 characters of <c>[0-9a-f]</c>.</summary>
    public static bool IsValid([NotNullWhen(true)] string? s) =>
        s is { Length: HexLength } && !s.AsSpan().ContainsAnyExcept(LowercaseHexDigits);

    /// <summary>The hexadecimal text (empty for <c>default</c>).</summary>
    public override string ToString() => Sha256Hex ?? string.Empty;
}
