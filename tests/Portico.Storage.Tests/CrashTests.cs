using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Portico.Storage.Tests;

/// <summary>
/// A writer process killed at an arbitrary instant leaves every blob either complete under its key or absent, and every
/// write it was told succeeded is there (DESIGN.md, "Nothing is lost, nothing is half-stored"). This checks process
/// crashes; power loss is what the flush order is for, and cannot be provoked here.
/// </summary>
public sealed class CrashTests
{
    private const string RootVariable = "PORTICO_STORAGE_CRASH_ROOT";
    private const string AcknowledgedFile = "acknowledged.txt";

    [Theory]
    [InlineData(5)]
    [InlineData(40)]
    public async Task WriteAsync_WriterKilledMidWrite_LeavesOnlyCompleteBlobs(int acknowledgedBeforeKill)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string root = Directory.CreateTempSubdirectory("portico-crash-").FullName;
        var childOutput = new ConcurrentQueue<string>();
        Process? child = null;
        try
        {
            child = StartChildWriter(root, childOutput);
            string acknowledged = Path.Join(root, AcknowledgedFile);
            var deadline = Stopwatch.StartNew();
            while (ReadAcknowledged(acknowledged).Count < acknowledgedBeforeKill)
            {
                if (child.HasExited)
                {
                    Assert.Fail($"child writer exited early ({child.ExitCode}):\n{string.Join('\n', childOutput)}");
                }

                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "child writer made no progress");
                await Task.Delay(5, ct);
            }

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(ct);

            // Every file under its key holds exactly the content of that key.
            string blobs = Path.Join(root, "store", "blobs");
            foreach (string path in Directory.GetFiles(blobs, "*", SearchOption.AllDirectories))
            {
                await using FileStream file = File.OpenRead(path);
                Assert.Equal(Path.GetFileName(path), Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct)));
            }

            await using var store = new FileBlobStore(
                Options.Create(new BlobStoreOptions { RootDirectory = Path.Join(root, "store") }),
                NullLogger<FileBlobStore>.Instance);
            foreach ((BlobKey key, long length) in ReadAcknowledged(acknowledged))
            {
                Assert.Equal(length, store.GetLength(key));
            }

            // Whatever the kill interrupted is a temp file, and the start-up sweep removes it.
            var sweeper = new BlobSweeper(store, TimeProvider.System, NullLogger<BlobSweeper>.Instance);
            await sweeper.DeleteStaleTempFilesAsync(TimeSpan.Zero, ct);
            Assert.Empty(Directory.GetFiles(store.TempDirectory));
            Assert.Equal(
                Directory.GetFiles(blobs, "*", SearchOption.AllDirectories).Length,
                (await store.EnumerateAsync(ct).ToListAsync(ct)).Count);
        }
        finally
        {
            if (child is { HasExited: false })
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync(CancellationToken.None);
            }

            child?.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }

    private static Process StartChildWriter(string root, ConcurrentQueue<string> output)
    {
        // The child is a small program of its own (Portico.Storage.CrashWriter), copied next to the tests.
        string writer = Path.Join(AppContext.BaseDirectory, "Portico.Storage.CrashWriter.dll");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(writer);

        start.Environment[RootVariable] = root;
        Process child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child writer.");
        child.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        child.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    private static List<(BlobKey Key, long Length)> ReadAcknowledged(string path)
    {
        var result = new List<(BlobKey, long)>();
        if (!File.Exists(path))
        {
            return result;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            string[] parts = line.Split(' ');
            // The last line may be cut by the kill; a complete one has a key and a length.
            if (parts.Length == 2 && BlobKey.TryParse(parts[0], out BlobKey key) && long.TryParse(parts[1], out long length))
            {
                result.Add((key, length));
            }
        }

        return result;
    }
}
