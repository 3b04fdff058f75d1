using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Portico.Tests.Shared;

namespace Portico.Web.Tests.DicomNetwork;

/// <summary>Runs DCMTK tools and Orthanc (installed by scripts/test.sh). A missing tool fails the test; it is never skipped.</summary>
internal static class ExternalTool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using Process process = Start(tool, arguments);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts a long-running tool (storescp, Orthanc); the caller kills it.</summary>
    public static Process Start(string tool, IEnumerable<string> arguments)
    {
        // DCMTK installs in /usr/bin, Debian's Orthanc in /usr/sbin.
        string path = new[] { "/usr/bin", "/usr/sbin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{tool} is missing from /usr/bin and /usr/sbin: run scripts/test.sh, which installs DCMTK and Orthanc.");

        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["TCP_NODELAY"] = "1";
        LoopbackOnly.Apply(info);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {tool}.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Waits until something accepts TCP connections on the port (a started storescp or Orthanc).</summary>
    public static async Task WaitForPortAsync(int port, CancellationToken cancellationToken)
    {
        for (int i = 0; i < 200; i++)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException($"Nothing listens on 127.0.0.1:{port}.");
    }
}
