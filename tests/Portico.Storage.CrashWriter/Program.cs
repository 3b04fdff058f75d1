using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portico.Storage;
using Portico.Storage.Tests;

// The child of Portico.Storage.Tests' crash tests: writes blobs of 1 KB to 4 MB, eight at a time, into
// $PORTICO_STORAGE_CRASH_ROOT/store, appending "key length" to acknowledged.txt after each durable write, until
// it is killed (at most two minutes).
string root = Environment.GetEnvironmentVariable("PORTICO_STORAGE_CRASH_ROOT")
    ?? throw new InvalidOperationException("PORTICO_STORAGE_CRASH_ROOT is not set: this runs as the child of a crash test.");
await using var store = new FileBlobStore(
    Options.Create(new BlobStoreOptions { RootDirectory = Path.Join(root, "store") }),
    NullLogger<FileBlobStore>.Instance);
string acknowledged = Path.Join(root, "acknowledged.txt");
var gate = new Lock();
using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
long next = 0;

await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
{
    while (!stop.IsCancellationRequested)
    {
        long n = Interlocked.Increment(ref next);
        int size = 1024 + (int)((n * 2_654_435_761) % (4 * 1024 * 1024));
        BlobInfo info = await store.WriteAsync(new GeneratedStream(size, seed: (ulong)n), long.MaxValue, stop.Token);
        lock (gate)
        {
            File.AppendAllText(acknowledged, $"{info.Key} {info.Length}\n");
        }
    }
})));
