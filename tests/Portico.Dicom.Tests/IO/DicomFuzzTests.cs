using Portico.Dicom.IO;
using Portico.Dicom.Json;
using Xunit;

namespace Portico.Dicom.Tests.IO;

/// <summary>
/// Thousands of random mutations of real files (bit flips, truncations, changed length fields): each is
/// read or refused with a DicomFormatException, never anything else, within a fixed time and memory budget.
/// </summary>
[Collection(nameof(AllocationSensitive))]
public sealed class DicomFuzzTests
{
    private const int MutationsPerFile = 600;

    public static TheoryData<string> Seeds() => new("CT_small.dcm", "rtplan.dcm", "MR_small_bigendian.dcm", "JPEG2000.dcm", "image_dfl.dcm", "nested_priv_SQ.dcm", "SC_rgb_rle.dcm");

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task ReadAsync_MutatedFile_ReadsOrThrowsDicomFormatException(string name)
    {
        byte[] original = PydicomFiles.Bytes(name);
        var random = new Random(name.Length * 7919); // fixed seed: failures reproduce
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int refused = 0;
        for (int i = 0; i < MutationsPerFile; i++)
        {
            byte[] mutated = Mutate(original, random, out string how);
            long before = GC.GetTotalAllocatedBytes(precise: false);
            DicomFile? read = null;
            try
            {
                read = await DicomFile.ReadAsync(new MemoryStream(mutated, writable: false), cancellationToken: TestContext.Current.CancellationToken);
            }
            catch (DicomFormatException)
            {
                refused++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"{name} mutation {i} ({how}) threw {ex.GetType().Name}: {ex.Message}");
            }

            long allocated = GC.GetTotalAllocatedBytes(precise: false) - before;
            Assert.True(allocated < 64L * 1024 * 1024 + 8L * original.Length, $"{name} mutation {i} ({how}) allocated {allocated} bytes");
            if (read is not null)
            {
                await AssertWritesAndReadsBackAsync(read, $"{name} mutation {i} ({how})");
            }
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{MutationsPerFile} mutations of {name} took {clock.Elapsed}");
        Assert.True(refused > 0, "no mutation was refused: the mutations are not reaching the parser");
    }

    /// <summary>
    /// What was read is usable: it converts to DICOM JSON, and Portico writes it as a file it reads again with the same
    /// elements (a merge or a portal rewrite stores such a file).
    /// </summary>
    private static async Task AssertWritesAndReadsBackAsync(DicomFile read, string what)
    {
        try
        {
            DicomJsonWriter.Serialize(read.Dataset);
            using var written = new MemoryStream();
            await DicomFileWriter.WriteAsync(read, written, cancellationToken: TestContext.Current.CancellationToken);
            written.Position = 0;
            DicomFile readBack = await DicomFile.ReadAsync(written, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(read.Dataset.Where(item => item.Tag.Group != 0x0002).Select(item => item.Tag), readBack.Dataset.Select(item => item.Tag));
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.IAssertionException)
        {
            Assert.Fail($"{what}: read, but writing it and reading it back threw {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static byte[] Mutate(byte[] original, Random random, out string how)
    {
        byte[] data = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                int flips = random.Next(1, 8);
                for (int f = 0; f < flips; f++)
                {
                    int at = random.Next(data.Length);
                    data[at] ^= (byte)(1 << random.Next(8));
                }

                how = $"{flips} bit flips";
                return data;
            case 1:
                int length = random.Next(data.Length);
                how = $"truncated to {length}";
                return data[..length];
            case 2:
                // Overwrite four bytes (a length field, wherever it falls) with a hostile value.
                int pos = random.Next(132, data.Length - 4);
                uint[] hostile = [0xFFFFFFFF, 0xFFFFFFFE, 0x7FFFFFFF, 0x00010000, 0, 1, (uint)random.Next()];
                uint value = hostile[random.Next(hostile.Length)];
                BitConverter.GetBytes(value).CopyTo(data, pos);
                how = $"0x{value:X8} at {pos}";
                return data;
            default:
                int start = random.Next(data.Length);
                int count = random.Next(1, Math.Min(64, data.Length - start + 1));
                random.NextBytes(data.AsSpan(start, Math.Min(count, data.Length - start)));
                how = $"{count} random bytes at {start}";
                return data;
        }
    }
}
