using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Portico.Browser.Tests.Users;

/// <summary>
/// Time-based one-time passwords as an authenticator app computes them (RFC 6238 over RFC 4226's HOTP: HMAC-SHA1,
/// 30-second steps, 6 digits), from the base32 key (RFC 4648) the account page shows.
/// </summary>
public static class Totp
{
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>The code for the step containing <paramref name="time"/>, plus <paramref name="stepOffset"/> steps.</summary>
    public static string Code(string base32Key, DateTimeOffset time, int stepOffset = 0)
    {
        long step = (time.ToUnixTimeSeconds() / 30) + stepOffset;
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // HMAC-SHA1 is what RFC 6238 authenticator apps (and Identity) use for these codes.
        byte[] hash = HMACSHA1.HashData(Base32Decode(base32Key), counter);
#pragma warning restore CA5350
        // RFC 4226 §5.3 dynamic truncation.
        int offset = hash[^1] & 0x0F;
        int binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static byte[] Base32Decode(string text)
    {
        string clean = new([.. text.ToUpperInvariant().Where(c => c is not (' ' or '=' or '-'))]);
        var bytes = new List<byte>(clean.Length * 5 / 8);
        int buffer = 0;
        int bits = 0;
        foreach (char c in clean)
        {
            int value = Base32Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException($"'{c}' is not a base32 digit.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        return [.. bytes];
    }
}
