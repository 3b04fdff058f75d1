using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Portico.Tests.Shared;

namespace Portico.Dicom.Network.Tests.Scu;

/// <summary>
/// A DCMTK SCP (installed by scripts/test.sh) on a free port: storescp writing what it receives bit-preserved (+B)
/// into a temporary folder, or dcmqrscp with an archive there. A missing tool fails the test, it is never skipped.
/// Neither tool has a bind option: <see cref="LoopbackOnly"/> keeps them on 127.0.0.1.
/// </summary>
internal sealed class DcmtkScp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DcmtkScp(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        OutputDirectory = directory;
    }

    public int Port { get; }

    public string OutputDirectory { get; }

    /// <summary>What storescp printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts storescp with <paramref name="options"/> (e.g. "--refuse", "-pdu", "4096", "+xi") and waits until it listens.</summary>
    public static Task<DcmtkScp> StartStoreScpAsync(CancellationToken cancellationToken, params string[] options)
    {
        int port = FreePort();
        string directory = NewDirectory();
        return StartAsync("storescp", [.. options, "+B", "-od", directory, port.ToString(CultureInfo.InvariantCulture)], port, directory, cancellationToken);
    }

    /// <summary>
    /// Starts dcmqrscp (single process) as AE title QRSCP, its archive in a temporary folder, knowing one move
    /// destination. It stores what it receives (C-STORE), answers C-FIND and sends C-MOVE matches.
    /// </summary>
    public static Task<DcmtkScp> StartQueryRetrieveScpAsync(string destinationAETitle, int destinationPort, CancellationToken cancellationToken)
    {
        int port = FreePort();
        string directory = NewDirectory();
        string archive = Path.Combine(directory, "archive");
        Directory.CreateDirectory(archive);
        string config = Path.Combine(directory, "dcmqrscp.cfg");
        File.WriteAllText(config, $"""
            NetworkTCPPort = {port}
            MaxPDUSize = 16384
            MaxAssociations = 4
            HostTable BEGIN
            destination = ({destinationAETitle}, 127.0.0.1, {destinationPort})
            HostTable END
            VendorTable BEGIN
            VendorTable END
            AETable BEGIN
            QRSCP {archive} RW (100, 1024mb) ANY
            AETable END

            """);
        return StartAsync("dcmqrscp", ["-s", "-c", config, port.ToString(CultureInfo.InvariantCulture)], port, directory, cancellationToken);
    }

    private static async Task<DcmtkScp> StartAsync(string name, string[] arguments, int port, string directory, CancellationToken cancellationToken)
    {
        string tool = Path.Combine("/usr/bin", name);
        if (!File.Exists(tool))
        {
            throw new InvalidOperationException($"{tool} is missing: run scripts/test.sh, which installs dcmtk.");
        }
        var info = new ProcessStartInfo(tool)
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
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}.");
        var scp = new DcmtkScp(process, port, directory);
        process.OutputDataReceived += (_, e) => scp.Append(e.Data);
        process.ErrorDataReceived += (_, e) => scp.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await scp.WaitUntilListeningAsync(cancellationToken);
            return scp;
        }
        catch
        {
            await scp.DisposeAsync();
            throw;
        }
    }

    private static string NewDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "portico-dcmtk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Waits (at most 10 s) until storescp printed <paramref name="text"/>; its output arrives asynchronously.</summary>
    public async Task<bool> PrintedAsync(string text, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Output.Contains(text, StringComparison.OrdinalIgnoreCase))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(20, cancellationToken);
        }
        return true;
    }

    /// <summary>The files storescp wrote, in name order.</summary>
    public string[] Files() => [.. Directory.GetFiles(OutputDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    /// <summary>The file storescp wrote for <paramref name="sopInstanceUid"/> (its default names end with the UID).</summary>
    public string FileFor(string sopInstanceUid) =>
        Files().SingleOrDefault(f => Path.GetFileName(f).EndsWith(sopInstanceUid, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"storescp wrote no file for {sopInstanceUid}; it has: {string.Join(", ", Files().Select(Path.GetFileName))}\n{Output}");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(OutputDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"storescp exited with {_process.ExitCode}: {Output}");
            }
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
