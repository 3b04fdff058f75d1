using Portico.Cli.Commands;

namespace Portico.Cli;

/// <summary>Dispatches `portico &lt;command&gt;`.</summary>
internal static class CommandLine
{
    public const string Usage = """
        usage: portico <command> [options]

        commands:
          dump FILE|DIR... [-r] [--json]          print DICOM data sets (or their DICOM JSON)
          echo [options] HOST PORT                verify a DICOM connection (C-ECHO)
          send [options] HOST PORT PATH...        send files, folders and ZIP archives (C-STORE)
          agent --folder DIR --server URL --api-key KEY [--interval 30s]
                                                  watch a folder for stress tests (XML + PDF) and send them

        `portico <command> --help` lists a command's options.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        return args[0] switch
        {
            "dump" => await DumpCommand.RunAsync(args.AsSpan(1).ToArray(), Console.Out, Console.Error, cancel.Token).ConfigureAwait(false),
            "echo" => await EchoCommand.RunAsync(args.AsSpan(1).ToArray(), Console.Out, Console.Error, cancel.Token).ConfigureAwait(false),
            "send" => await SendCommand.RunAsync(args.AsSpan(1).ToArray(), Console.Out, Console.Error, cancel.Token).ConfigureAwait(false),
            "agent" => await AgentCommand.RunAsync(args.AsSpan(1).ToArray(), Console.Out, Console.Error, cancel.Token).ConfigureAwait(false),
            _ => Unknown(args[0]),
        };
    }

    private static int Unknown(string command)
    {
        Console.Error.WriteLine($"portico: unknown command '{command}'");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
