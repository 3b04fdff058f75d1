using System.Globalization;

namespace Portico.Cli.Commands;

/// <summary>`portico agent --folder DIR --server URL --api-key KEY [--interval 30s]`: the stress-test watch folder.</summary>
internal static class AgentCommand
{
    public const string Usage = """
        usage: portico agent --folder DIR --server URL --api-key KEY [options]

        Watches DIR for stress tests (test1.xml + test1.pdf), sends each pair to the Portico server and moves it to
        DIR/processed/<timestamp>/ or DIR/failed/<timestamp>/ with an error.log that says why.

        options:
          --folder DIR        the folder to watch
          --server URL        the Portico server, e.g. https://portico.example.org/
          --api-key KEY       an agent API key (Settings > Integrations > Agents); or the PORTICO_API_KEY variable
          --interval TIME     time between scans (default 30s; 10s, 2m, 1h)
          --grace TIME        how long a file waits for its partner XML or PDF (default 2m)
          --pdf-optional      after the grace period, send an XML without a PDF instead of failing it
          --attempts N        scans a pair is retried while the server is unreachable (default 10)
          --once              scan once and exit (for cron or a scheduled task)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, HttpMessageHandler? handler = null)
    {
        string? folder = null, server = null, key = Environment.GetEnvironmentVariable("PORTICO_API_KEY");
        TimeSpan interval = TimeSpan.FromSeconds(30), grace = TimeSpan.FromMinutes(2);
        int attempts = 10;
        bool once = false, pdfOptional = false;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "-h" or "--help":
                        stdout.WriteLine(Usage);
                        return 0;
                    case "--folder":
                        folder = Value(args, ref i);
                        break;
                    case "--server":
                        server = Value(args, ref i);
                        break;
                    case "--api-key":
                        key = Value(args, ref i);
                        break;
                    case "--interval":
                        interval = ParseTime(Value(args, ref i));
                        break;
                    case "--grace":
                        grace = ParseTime(Value(args, ref i));
                        break;
                    case "--attempts":
                        attempts = int.TryParse(Value(args, ref i), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new ArgumentException("--attempts takes a positive number");
                        break;
                    case "--once":
                        once = true;
                        break;
                    case "--pdf-optional":
                        pdfOptional = true;
                        break;
                    default:
                        throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }

            if (folder is null || server is null || string.IsNullOrEmpty(key))
            {
                throw new ArgumentException("--folder, --server and --api-key are required");
            }

            if (!Directory.Exists(folder))
            {
                throw new ArgumentException($"the folder {folder} does not exist");
            }

            if (!Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"--server must be an http or https URL, not '{server}'");
            }

            server = uri.ToString();
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine($"portico agent: {ex.Message}");
            stderr.WriteLine(Usage);
            return 2;
        }

        var settings = new AgentSettings { Folder = Path.GetFullPath(folder), Server = new Uri(server), ApiKey = key, Interval = interval, Grace = grace, Attempts = attempts, PdfOptional = pdfOptional };
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromMinutes(5);
        var agent = new WatchFolderAgent(settings, http, stdout, TimeProvider.System);
        stdout.WriteLine($"portico agent: watching {settings.Folder} every {interval.TotalSeconds:0} s, sending to {settings.Server}");
        try
        {
            if (once)
            {
                await agent.ScanAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await agent.RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stdout.WriteLine("portico agent: stopped");
        }

        return 0;
    }

    private static string Value(string[] args, ref int i) =>
        i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");

    /// <summary><c>30s</c>, <c>2m</c>, <c>1h</c> or plain seconds.</summary>
    public static TimeSpan ParseTime(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        char unit = text.Length > 0 && char.IsLetter(text[^1]) ? char.ToLowerInvariant(text[^1]) : 's';
        string number = char.IsLetter(text[^1]) ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0)
        {
            throw new ArgumentException($"'{text}' is not a time such as 30s, 2m or 1h");
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => throw new ArgumentException($"'{text}' is not a time such as 30s, 2m or 1h"),
        };
    }
}
