using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portico.Index.Access;

/// <summary>Creates API key secrets and the hash under which a key is stored and looked up.</summary>
public static class ApiKeySecret
{
    public const int PrefixLength = 8;

    /// <summary>A new secret: 32 random bytes, base64url (43 characters).</summary>
    public static string Generate() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the UTF-8 secret as 64 lower-case hex digits: the stored <see cref="ApiKey.KeyHash"/>.</summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>The part of the secret kept for display (<see cref="ApiKey.Prefix"/>).</summary>
    public static string PrefixOf(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return secret.Length <= PrefixLength ? secret : secret[..PrefixLength];
    }
}
