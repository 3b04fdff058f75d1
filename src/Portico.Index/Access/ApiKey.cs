namespace Portico.Index.Access;

/// <summary>
/// A key for scripts and the watch-folder agent. Only the SHA-256 of the secret is stored
/// (<see cref="ApiKeySecret"/>); the secret is shown once, at creation.
/// </summary>
public sealed class ApiKey
{
    public ApiKeyId Id { get; set; } = ApiKeyId.New();

    /// <summary>Name shown in the app and in the audit log (the actor of what the key does).</summary>
    public string Name { get; set; } = "";

    /// <summary>SHA-256 of the secret, 64 lower-case hex digits; unique.</summary>
    public string KeyHash { get; set; } = "";

    /// <summary>First <see cref="ApiKeySecret.PrefixLength"/> characters of the secret, to tell keys apart.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Owner; null for a key that belongs to no user (it then needs explicit <see cref="Permissions"/>).</summary>
    public Guid? UserId { get; set; }

    public PorticoUser? User { get; set; }

    /// <summary>Permissions of the key; null means the owner's permissions (through the owner's roles).</summary>
    public List<string>? Permissions { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    /// <summary>Set when the key is revoked; a revoked key never authenticates again.</summary>
    public DateTime? RevokedAt { get; set; }
}
