namespace Portico.Ingest.Tests.Zip;

/// <summary>
/// Samples the total size of the files in a directory every millisecond on a thread of its own, and keeps
/// the largest value seen: how much a walk wrote to its temporary directory while it ran.
/// </summary>
internal sealed class DirectorySizeMonitor : IDisposable
{
    private readonly string _directory;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _maxBytes;

    public DirectorySizeMonitor(string directory)
    {
        _directory = directory;
        _thread = new Thread(Run) { IsBackground = true, Name = "DirectorySizeMonitor" };
        _thread.Start();
    }

    /// <summary>The largest total seen so far; read it after <see cref="Dispose"/> for the final figure.</summary>
    public long MaxBytes => Interlocked.Read(ref _maxBytes);

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        Sample();
    }

    private void Run()
    {
        while (!_stopping)
        {
            Sample();
            Thread.Sleep(1);
        }
    }

    private void Sample()
    {
        if (!Directory.Exists(_directory))
        {
            return;
        }

        long total = 0;
        foreach (string file in Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories))
        {
            try
            {
                total += new FileInfo(file).Length;
            }
            catch (IOException)
            {
                // deleted between listing and measuring
            }
        }

        if (total > MaxBytes)
        {
            Interlocked.Exchange(ref _maxBytes, total);
        }
    }
}
