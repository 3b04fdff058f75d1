using System.Diagnostics;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Scu;
using Portico.Dicom.Network.Services;

namespace Portico.Cli.Commands;

/// <summary>`portico echo [options] HOST PORT`: C-ECHO (verification), like DCMTK echoscu.</summary>
internal static class EchoCommand
{
    public static readonly string Usage = "usage: portico echo [options] HOST PORT\n\noptions:\n" + NetworkOptions.Usage;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var network = new NetworkOptions();
        var positional = new List<string>();
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] is "-h" or "--help")
                {
                    stdout.WriteLine(Usage);
                    return 0;
                }
                if (network.TryConsume(args, ref i))
                {
                    continue;
                }
                if (args[i].StartsWith('-') && args[i].Length > 1)
                {
                    throw new ArgumentException($"unknown option '{args[i]}'");
                }
                positional.Add(args[i]);
            }
            if (positional.Count != 2)
            {
                throw new ArgumentException("expected HOST PORT");
            }
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine($"portico echo: {ex.Message}");
            stderr.WriteLine(Usage);
            return 2;
        }

        if (network.TryClientOptions(positional[0], positional[1], "echo", stderr) is not { } options)
        {
            return 2;
        }

        string host = options.Host;
        int port = options.Port;

        long started = Stopwatch.GetTimestamp();
        try
        {
            PresentationContextRequest[] contexts = [DicomClient.VerificationContext];
            await using DicomClientAssociation association = await DicomClient.ConnectAsync(options, contexts, cancellationToken).ConfigureAwait(false);
            DimseResult result = await association.EchoAsync(cancellationToken).ConfigureAwait(false);
            await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (result.Status != DimseStatus.Success)
            {
                stderr.WriteLine($"portico echo: {options.CalledAETitle} at {host}:{port} answered status 0x{result.Status:X4}{(result.ErrorComment is null ? "" : ": " + result.ErrorComment)}");
                return 1;
            }
            stdout.WriteLine($"{options.CalledAETitle} at {host}:{port}: echo ok ({ms:0} ms{(options.UseTls ? ", TLS" : "")})");
            return 0;
        }
        catch (Exception ex) when (NetworkOptions.Describe(ex, host, port) is { } reason)
        {
            stderr.WriteLine($"portico echo: {reason}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("portico echo: cancelled");
            return 130;
        }
    }
}
