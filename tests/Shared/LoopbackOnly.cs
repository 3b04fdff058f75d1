using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace Portico.Tests.Shared;

/// <summary>
/// Test peers listen on 127.0.0.1 only. DCMTK's storescp and dcmqrscp, and Orthanc 1.10's DICOM port, cannot be told
/// which address to listen on and would take every interface; <see cref="Apply"/> preloads scripts/loopback-bind.c into
/// such a peer, which turns its wildcard bind into a loopback bind. The library is compiled with gcc (installed by
/// scripts/test.sh) once per version of its source, under artifacts/. Linked into the test projects that start peers.
/// </summary>
internal static class LoopbackOnly
{
    private static readonly Lazy<string> Library = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Makes the process <paramref name="info"/> starts bind its listening sockets to loopback.</summary>
    public static void Apply(ProcessStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.Environment["LD_PRELOAD"] = Library.Value;
    }

    /// <summary>The local addresses of the TCP sockets listening on <paramref name="port"/> (Linux /proc/net/tcp and tcp6).</summary>
    public static IReadOnlyList<IPAddress> ListeningAddresses(int port)
    {
        var addresses = new List<IPAddress>();
        foreach (string table in (string[])["/proc/net/tcp", "/proc/net/tcp6"])
        {
            // "  sl  local_address rem_address   st ...": the address in hex, 32-bit words in host (little-endian) order.
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                string[] local = fields[1].Split(':');
                if (fields[3] != "0A" || int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port)
                {
                    continue; // not LISTEN, or another port
                }

                byte[] bytes = Convert.FromHexString(local[0]);
                for (int word = 0; word < bytes.Length; word += 4)
                {
                    Array.Reverse(bytes, word, 4);
                }

                addresses.Add(new IPAddress(bytes));
            }
        }

        return addresses;
    }

    private static string Build()
    {
        string root = Repository.Root();
        string source = Path.Combine(root, "scripts", "loopback-bind.c");
        string version = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source)))[..16];
        string directory = Path.Combine(root, "artifacts", "loopback-bind");
        string library = Path.Combine(directory, $"libportico-loopback-{version}.so");
        if (File.Exists(library))
        {
            return library;
        }

        const string Gcc = "/usr/bin/gcc";
        if (!File.Exists(Gcc))
        {
            throw new InvalidOperationException($"{Gcc} is missing: run scripts/test.sh, which installs gcc (test peers are kept on 127.0.0.1 with a preloaded library).");
        }

        Directory.CreateDirectory(directory);
        // Test projects run side by side: each compiles to its own name and the first rename wins.
        string temporary = Path.Combine(directory, $"build-{Guid.NewGuid():N}.so");
        var info = new ProcessStartInfo(Gcc) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])["-shared", "-fPIC", "-O2", "-o", temporary, source, "-ldl"])
        {
            info.ArgumentList.Add(argument);
        }

        using (Process gcc = Process.Start(info) ?? throw new InvalidOperationException("Could not start gcc."))
        {
            string errors = gcc.StandardError.ReadToEnd();
            gcc.WaitForExit();
            if (gcc.ExitCode != 0)
            {
                throw new InvalidOperationException($"gcc could not build {source}: {errors}");
            }
        }

        try
        {
            File.Move(temporary, library, overwrite: false);
        }
        catch (IOException) when (File.Exists(library))
        {
            File.Delete(temporary);
        }

        return library;
    }
}
