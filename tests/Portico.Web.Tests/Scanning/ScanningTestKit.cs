using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Portico.Web.Tests.Scanning;

/// <summary>What the scanning tests share: servers set up for the real clamd, ZIP builders, a tus upload.</summary>
internal static class ScanningTestKit
{
    /// <summary>A server whose scanner is <paramref name="clamAv"/>, scanning required, retried every second.</summary>
    public static PorticoFactory Server(string clamAv) => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["Portico:Scanning:ClamAv"] = clamAv,
            ["Portico:Scanning:Required"] = "true",
            ["Portico:Scanning:RetryInterval"] = "00:00:01",
            ["Portico:Scanning:Timeout"] = "00:00:30",
        },
    };

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on (a scanner that is down).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A ZIP archive with the given entries (name, bytes), written to <paramref name="path"/>.</summary>
    public static string Zip(string path, params (string Name, byte[] Bytes)[] entries)
    {
        using (FileStream stream = File.Create(path))
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            foreach ((string name, byte[] bytes) in entries)
            {
                using Stream entry = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(bytes);
            }
        }

        return path;
    }

    /// <summary>Sends <paramref name="bytes"/> to <c>/api/uploads</c> in one creation-with-upload request; returns its location.</summary>
    public static async Task<string> UploadAsync(HttpClient client, byte[] bytes, string fileName, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/uploads") { Content = new ByteArrayContent(bytes) };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes(fileName)));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        HttpResponseMessage response = await client.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Upload creation answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return response.Headers.Location!.ToString();
    }
}

/// <summary>Forwards every connection on a port to another address: clamd "coming up" on the port the server was given.</summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public TcpForwarder(int port, Uri target)
    {
        _targetHost = target.Host;
        _targetPort = target.Port;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ForwardAsync(inbound);
        }
    }

    private async Task ForwardAsync(TcpClient inbound)
    {
        using (inbound)
        using (var outbound = new TcpClient())
        {
            try
            {
                await outbound.ConnectAsync(_targetHost, _targetPort, _stop.Token);
                NetworkStream a = inbound.GetStream(), b = outbound.GetStream();
                Task up = PipeAsync(a, b, outbound.Client);
                Task down = PipeAsync(b, a, inbound.Client);
                await Task.WhenAll(up, down);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task PipeAsync(NetworkStream from, NetworkStream to, Socket toSocket)
    {
        await from.CopyToAsync(to, _stop.Token);
        toSocket.Shutdown(SocketShutdown.Send);
    }
}
