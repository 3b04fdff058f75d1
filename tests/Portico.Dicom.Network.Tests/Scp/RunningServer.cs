using System.Collections.Concurrent;
using Portico.Dicom.Network.Scp;

namespace Portico.Dicom.Network.Tests.Scp;

/// <summary>A started <see cref="DicomServer"/> on 127.0.0.1 and a free port, with its association records.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly SemaphoreSlim _ended = new(0);

    public RunningServer(DicomServerOptions? options = null)
    {
        Server = new DicomServer((options ?? new DicomServerOptions()) with { Port = 0 });
        Server.AssociationEnded += record =>
        {
            Records.Enqueue(record);
            _ended.Release();
        };
        Server.Start();
    }

    public DicomServer Server { get; }

    public int Port => Server.Port;

    public ConcurrentQueue<AssociationRecord> Records { get; } = new();

    /// <summary>Waits for the next association record.</summary>
    public async Task<AssociationRecord> NextRecordAsync()
    {
        Assert.True(await _ended.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken), "no association ended");
        // Records arrive in completion order; the newest is the one just signalled.
        return Records.Last();
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _ended.Dispose();
    }
}
