using System.IO.Compression;
using Portico.Ingest.Zip;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

/// <summary>
/// Random mutations (bit flips, lying 2- and 4-byte fields, truncation) of real archives, deflated and stored, with a
/// ZIP inside: whatever the bytes, the walk never throws, reports every entry or refuses the archive with a reason,
/// hands on only files that exist, and leaves nothing in its temp directory. The seed is fixed, so a failure
/// reproduces.
/// </summary>
public sealed class ZipWalkerFuzzTests
{
    private const int MutationsPerArchive = 400;

    private static readonly ZipLimits Limits = new() { MaxTotalUncompressedBytes = 64L << 20, MaxEntryBytes = 16L << 20 };

    [Theory]
    [InlineData(CompressionLevel.Optimal, ZipWalkEntries.Dicom)]
    [InlineData(CompressionLevel.NoCompression, ZipWalkEntries.All)]
    public async Task WalkAsync_MutatedArchive_NeverThrowsAndLeavesNothingBehind(CompressionLevel level, ZipWalkEntries mode)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        byte[] nested = TestArchive.Bytes(("a/CT_small.dcm", DicomSamples.Pydicom("CT_small.dcm")));
        TestArchive.Write(dir.File("seed.zip"), level,
            ("study/CT_small.dcm", DicomSamples.Pydicom("CT_small.dcm")),
            ("study/MR_small.dcm", DicomSamples.Pydicom("MR_small.dcm")),
            ("study/rtplan.dcm", DicomSamples.Pydicom("rtplan.dcm")),
            ("inner.zip", nested),
            ("readme.txt", "not an image"u8.ToArray()));
        byte[] original = File.ReadAllBytes(dir.File("seed.zip"));
        var random = new Random((int)level * 31 + (int)mode);
        int refused = 0, extracted = 0, damaged = 0;

        for (int i = 0; i < MutationsPerArchive; i++)
        {
            byte[] mutated = Mutate(original, random, out string how);
            File.WriteAllBytes(dir.File("upload.zip"), mutated);
            int handedOn = 0;
            ZipWalkResult result;
            try
            {
                result = await new ZipWalker().WalkAsync(dir.File("upload.zip"), dir.UnpackPath, Limits, mode, (name, path, _) =>
                {
                    Assert.True(File.Exists(path), $"mutation {i} ({how}): {name} handed on without its file");
                    handedOn++;
                    return ValueTask.CompletedTask;
                }, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Assert.Fail($"mutation {i} ({how}) threw {ex.GetType().Name}: {ex.Message}");
                throw;
            }

            Assert.Empty(dir.LeftoverFiles());
            Assert.True(!result.Refused || !string.IsNullOrEmpty(result.RefusalReason), $"mutation {i} ({how}): refused without a reason");
            // Every extracted entry was handed on, except the nested archives, whose files are listed after them.
            Assert.Equal(result.Entries.Count(e => e.Disposition == ZipEntryDisposition.Extracted && e.Reason != ZipReasons.NestedArchiveUnpacked), handedOn);
            refused += result.Refused ? 1 : 0;
            extracted += handedOn;
            damaged += result.Entries.Count(e => e.Disposition == ZipEntryDisposition.Refused);
        }

        // The mutations reach every stage: whole archives refused, single entries refused, entries still extracted.
        Assert.True(refused > 20 && damaged > 20 && extracted > 200, $"{refused} archives refused, {damaged} entries refused, {extracted} extracted");
    }

    private static byte[] Mutate(byte[] original, Random random, out string how)
    {
        byte[] data = (byte[])original.Clone();
        var changes = new List<string>();
        for (int round = random.Next(1, 4); round > 0; round--)
        {
            switch (random.Next(4))
            {
                case 0:
                    changes.Add(ByteMutations.FlipBits(data, random, most: 5));
                    break;
                case 1:
                    changes.Add(ByteMutations.Lie32(data, random, bigEndian: false));
                    break;
                case 2:
                    changes.Add(ByteMutations.Lie16(data, random, bigEndian: false));
                    break;
                default:
                    int length = random.Next(data.Length);
                    data = data[..length];
                    changes.Add($"cut to {length} bytes");
                    break;
            }
        }

        how = string.Join("; ", changes);
        return data;
    }
}
