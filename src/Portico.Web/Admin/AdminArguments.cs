namespace Portico.Web.Admin;

/// <summary>
/// The arguments after <c>admin</c>: a command, its switches, and configuration overrides passed on to the host as the
/// server takes them (<c>--Portico:DataDirectory=/srv/portico</c> or <c>--Portico:DataDirectory /srv/portico</c>).
/// </summary>
internal sealed record AdminArguments(string? Command, bool Help, bool Hash, bool FromScratch, string[] ConfigurationArgs)
{
    public const string VerifyIndex = "verify-index";
    public const string RebuildIndex = "rebuild-index";

    /// <summary>Parses; <paramref name="error"/> says what is wrong when it returns null.</summary>
    public static AdminArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        string? command = null;
        bool help = false, hash = false, fromScratch = false;
        var configuration = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    help = true;
                    continue;
                case "--hash" when command is VerifyIndex or RebuildIndex:
                    hash = true;
                    continue;
                case "--from-scratch" when command is RebuildIndex:
                    fromScratch = true;
                    continue;
            }

            if (IsConfigurationKey(arg))
            {
                // The configuration's own syntax: --Key=value, or --Key value.
                configuration.Add(arg);
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
                {
                    configuration.Add(args[++i]);
                }

                continue;
            }

            if (command is null && !arg.StartsWith('-'))
            {
                command = arg;
                continue;
            }

            // A mistyped switch must not pass silently (a rebuild that is not from scratch after all).
            error = command is null ? $"Unknown option '{arg}' before the command." : $"Unknown argument '{arg}' for {command}.";
            return null;
        }

        if (!help && command is not (VerifyIndex or RebuildIndex))
        {
            error = command is null ? "No command given." : $"Unknown command '{command}'.";
            return null;
        }

        return new AdminArguments(command, help, hash, fromScratch, [.. configuration]);
    }

    /// <summary>A configuration override: a section path (<c>--Portico:DataDirectory</c>) or a host setting.</summary>
    private static bool IsConfigurationKey(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal)
        && (arg.Contains(':', StringComparison.Ordinal)
            || arg.StartsWith("--environment", StringComparison.OrdinalIgnoreCase));
}
