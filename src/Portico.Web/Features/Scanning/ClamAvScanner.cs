using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace Portico.Web.Features.Scanning;

/// <summary>
/// Scans a stream with ClamAV's daemon over its INSTREAM command (TCP or a unix socket): the bytes are sent in
/// length-prefixed chunks as they are read, so a large file is never held in memory. clamd answers
/// <c>stream: OK</c>, <c>stream: &lt;signature&gt; FOUND</c> or an error such as its size limit.
/// </summary>
public sealed partial class ClamAvScanner(IOptions<ScanningOptions> options, ILogger<ClamAvScanner> logger)
{
    private const int MaxReplyBytes = 4096;

    /// <summary>Whether a scanner is configured at all.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.ClamAv);

    public async Task<ScanResult> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ScanningOptions settings = options.Value;
        if (!IsConfigured)
        {
            return new ScanResult(ScanVerdict.Unavailable, Detail: "No malware scanner is configured (Portico:Scanning:ClamAv).");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(settings.ChunkBytes + 4);
        try
        {
            using Socket socket = await ConnectAsync(settings.ClamAv, timeout.Token).ConfigureAwait(false);
            await socket.SendAsync("zINSTREAM\0"u8.ToArray(), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            for (; ; )
            {
                int read = await content.ReadAsync(buffer.AsMemory(4, settings.ChunkBytes), timeout.Token).ConfigureAwait(false);
                BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)read);
                if (!await SendAllAsync(socket, buffer.AsMemory(0, read + 4), timeout.Token).ConfigureAwait(false))
                {
                    break; // clamd stopped reading: it has answered already (its size limit)
                }

                if (read == 0)
                {
                    break;
                }
            }

            string reply = await ReadReplyAsync(socket, timeout.Token).ConfigureAwait(false);
            return Interpret(reply);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, e.GetType().Name, e.Message);
            return new ScanResult(ScanVerdict.Unavailable, Detail: e is OperationCanceledException ? "The malware scanner did not answer in time." : "The malware scanner cannot be reached.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads clamd's one-line answer to INSTREAM.</summary>
    internal static ScanResult Interpret(string reply)
    {
        string text = reply.TrimEnd('\0', '\n', ' ');
        string body = text.StartsWith("stream:", StringComparison.Ordinal) ? text["stream:".Length..].Trim() : text;
        if (body == "OK")
        {
            return ScanResult.Clean;
        }

        if (body.EndsWith(" FOUND", StringComparison.Ordinal))
        {
            return new ScanResult(ScanVerdict.Infected, Signature: body[..^" FOUND".Length].Trim());
        }

        return new ScanResult(
            ScanVerdict.Unavailable,
            Detail: body.Length == 0 ? "The malware scanner gave no answer." : "The malware scanner refused the file: " + body,
            TooLarge: body.Contains("size limit exceeded", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<Socket> ConnectAsync(string address, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out Uri? uri))
        {
            throw new IOException($"Portico:Scanning:ClamAv must be tcp://host:port or unix:///path, not '{address}'.");
        }

        Socket socket;
        EndPoint endpoint;
        if (uri.Scheme == "unix")
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            endpoint = new UnixDomainSocketEndPoint(uri.AbsolutePath);
        }
        else if (uri.Scheme == "tcp")
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            endpoint = new DnsEndPoint(uri.Host, uri.Port > 0 ? uri.Port : 3310);
        }
        else
        {
            throw new IOException($"Portico:Scanning:ClamAv must be tcp://host:port or unix:///path, not '{address}'.");
        }

        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<bool> SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            while (!data.IsEmpty)
            {
                int sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                data = data[sent..];
            }

            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
            return false;
        }
    }

    private static async Task<string> ReadReplyAsync(Socket socket, CancellationToken cancellationToken)
    {
        var reply = new byte[MaxReplyBytes];
        int length = 0;
        while (length < reply.Length)
        {
            int read = await socket.ReceiveAsync(reply.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (Array.IndexOf(reply, (byte)0, 0, length) >= 0)
            {
                break;
            }
        }

        return Encoding.UTF8.GetString(reply, 0, length);
    }

    [LoggerMessage(EventId = 7100, Level = LogLevel.Warning, Message = "Malware scanner unavailable ({Error}: {Message})")]
    private static partial void LogUnavailable(ILogger logger, string error, string message);
}
