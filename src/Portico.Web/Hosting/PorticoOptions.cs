namespace Portico.Web.Hosting;

/// <summary>Top-level settings, bound to <c>Portico</c>.</summary>
public sealed class PorticoOptions
{
    public const string Section = "Portico";

    /// <summary>Where the SQLite index and the blob store live. Default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    public BootstrapOptions Bootstrap { get; set; } = new();
}

/// <summary>First-start accounts (<c>Portico:Bootstrap</c>).</summary>
public sealed class BootstrapOptions
{
    /// <summary>E-mail of the administrator created when there are no users. Default <c>admin@portico.local</c>.</summary>
    public string AdminEmail { get; set; } = "admin@portico.local";

    /// <summary>Its password; when empty a random one is generated and printed once.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>When set, an administrator API key with exactly this value is created (for automation).</summary>
    public string? ApiKey { get; set; }
}
