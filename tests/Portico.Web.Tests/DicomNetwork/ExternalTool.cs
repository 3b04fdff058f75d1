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
        ExternalProgram.Result result = await ExternalProgram.RunAsync(tool, arguments, timeout, LoopbackOnly.Apply, cancellationToken);
        return (result.ExitCode, result.Messages);
    }

    /// <summary>Starts a long-running tool (storescp, Orthanc) kept on 127.0.0.1; the caller kills it.</summary>
    public static Process Start(string tool, IEnumerable<string> arguments) => ExternalProgram.Start(tool, arguments, LoopbackOnly.Apply);

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
