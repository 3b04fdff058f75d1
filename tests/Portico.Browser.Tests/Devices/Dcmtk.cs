using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Browser.Tests.Devices;

/// <summary>DCMTK's storescu and storescp against 127.0.0.1 (installed by scripts/test.sh; missing tools fail the test).</summary>
internal static class Dcmtk
{
    /// <summary>Sends a fresh copy of a pydicom sample to Portico as <paramref name="callingAETitle"/>; the exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> StoreAsync(int port, string callingAETitle)
    {
        string file = Path.Combine(Path.GetTempPath(), $"portico-browser-{Guid.NewGuid():N}.dcm");
        await File.WriteAllBytesAsync(file, DicomSamples.WithNewUids("CT_small.dcm", out _, out _));
        try
        {
            using Process storescu = Launch("storescu", "-aet", callingAETitle, "-aec", "PORTICO", "127.0.0.1", Text(port), file);
            Task<string> output = storescu.StandardOutput.ReadToEndAsync();
            Task<string> errors = storescu.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await storescu.WaitForExitAsync(timeout.Token);
            return (storescu.ExitCode, await output + await errors);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Starts storescp as <paramref name="aeTitle"/> on a free port of 127.0.0.1, listening when this returns. Kill it by its PID.</summary>
    public static async Task<(Process Process, int Port, string Directory)> StartStoreScpAsync(string aeTitle)
    {
        int port = FreePort();
        string directory = Path.Combine(Path.GetTempPath(), $"portico-storescp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        Process storescp = Launch("storescp", "--aetitle", aeTitle, "-od", directory, Text(port));
        for (int attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return (storescp, port, directory);
            }
            catch (SocketException)
            {
                if (storescp.HasExited)
                {
                    Assert.Fail("storescp exited: " + await storescp.StandardError.ReadToEndAsync());
                }

                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"storescp did not listen on port {port}.");
    }

    private static Process Launch(string tool, params string[] arguments) => ExternalProgram.Start(tool, arguments, LoopbackOnly.Apply);

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
