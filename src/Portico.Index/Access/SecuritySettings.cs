namespace Portico.Index.Access;

/// <summary>
/// The security settings an administrator sets in <em>Settings &gt; Security</em>: one row (<see cref="SingletonId"/>),
/// seeded with the defaults by the migration that created the table.
/// </summary>
public sealed class SecuritySettings
{
    public const int SingletonId = 1;

    /// <summary>Default minutes without activity after which a session ends.</summary>
    public const int DefaultInactivityTimeoutMinutes = 30;

    public const int MinInactivityTimeoutMinutes = 5;

    /// <summary>Twelve hours: one long shift.</summary>
    public const int MaxInactivityTimeoutMinutes = 720;

    public int Id { get; set; } = SingletonId;

    /// <summary>Minutes without keyboard, mouse or touch activity after which the web app signs the user out.</summary>
    public int InactivityTimeoutMinutes { get; set; } = DefaultInactivityTimeoutMinutes;
}
