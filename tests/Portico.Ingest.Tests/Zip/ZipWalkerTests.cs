using System.IO.Compression;
using System.Text;
using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

public sealed class ZipWalkerTests
{
    private static readonly ZipLimits Defaults = new();

    [Fact]
    public async Task WalkAsync_NestedFolders_ExtractsEveryDicomFileWithItsArchiveName()
    {
        using var dir = new TempDirectory();
        var files = new (string Name, byte[] Data)[]
        {
            ("PATIENT/STUDY1/SERIES1/IMG0001.dcm", DicomSamples.Part10("1.2.3.1")),
            ("PATIENT/STUDY1/SERIES1/IMG0002.dcm", DicomSamples.Part10("1.2.3.2")),
            ("PATIENT/STUDY1/SERIES2/IMG0001", DicomSamples.Part10("1.2.3.3")),
            ("PATIENT\\STUDY2\\IMG0001.dcm", DicomSamples.Part10("1.2.3.4")),
            ("top.dcm", DicomSamples.Part10("1.2.3.5")),
        };
        TestArchive.Write(dir.File("upload.zip"), files);
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("upload.zip"), dir.UnpackPath, Defaults, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Null(result.RefusalReason);
        Assert.Equal(files.Select(f => f.Name), result.Entries.Select(e => e.Name));
        Assert.All(result.Entries, e => Assert.Equal(ZipEntryDisposition.Extracted, e.Disposition));
        Assert.All(result.Entries, e => Assert.Null(e.Reason));
        Assert.Equal(files.Select(f => f.Name), collector.Names);
        foreach ((string name, byte[] data) in files)
        {
            Assert.Equal(data, collector.Contents[name]);
        }

        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_PydicomFiles_ExtractsPart10FilesAndBareDataSets()
    {
        using var dir = new TempDirectory();
        var files = new (string Name, byte[] Data)[]
        {
            ("CT_small.dcm", DicomSamples.Pydicom("CT_small.dcm")),
            ("MR_small.dcm", DicomSamples.Pydicom("MR_small.dcm")),
            ("explicit_little_no_meta", DicomSamples.Pydicom("ExplVR_LitEndNoMeta.dcm")),
            ("explicit_big_no_meta", DicomSamples.Pydicom("ExplVR_BigEndNoMeta.dcm")),
            ("implicit_no_meta", DicomSamples.PydicomBareDataset("MR_small_implicit.dcm")),
        };
        TestArchive.Write(dir.File("cd.zip"), files);
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("cd.zip"), dir.UnpackPath, Defaults, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.All(result.Entries, e => Assert.Equal(ZipEntryDisposition.Extracted, e.Disposition));
        foreach ((string name, byte[] data) in files)
        {
            Assert.Equal(data, collector.Contents[name]);
        }
    }

    [Fact]
    public async Task WalkAsync_StreamedArchiveWithDataDescriptors_Extracted()
    {
        using var dir = new TempDirectory();
        byte[] a = DicomSamples.Part10("1.2.3.1"), b = DicomSamples.Pydicom("CT_small.dcm");
        using (FileStream file = File.Create(dir.File("streamed.zip")))
        using (var archive = new ZipArchive(new ForwardOnlyStream(file), ZipArchiveMode.Create))
        {
            foreach ((string name, byte[] data) in new[] { ("Müller^Anna/IMG1.dcm", a), ("Müller^Anna/IMG2.dcm", b) })
            {
                using Stream content = archive.CreateEntry(name).Open();
                content.Write(data);
            }
        }

        byte[] bytes = await File.ReadAllBytesAsync(dir.File("streamed.zip"), TestContext.Current.CancellationToken);
        Assert.Equal(8, BitConverter.ToUInt16(bytes, 6) & 8); // general purpose bit 3: sizes follow the data
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("streamed.zip"), dir.UnpackPath, Defaults, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(["Müller^Anna/IMG1.dcm", "Müller^Anna/IMG2.dcm"], collector.Names);
        Assert.Equal(a, collector.Contents["Müller^Anna/IMG1.dcm"]);
        Assert.Equal(b, collector.Contents["Müller^Anna/IMG2.dcm"]);
    }

    [Fact]
    public async Task WalkAsync_DicomDirInAnyCase_SkippedDicomDir()
    {
        using var dir = new TempDirectory();
        byte[] dicomDir = DicomSamples.Pydicom("dicomdirtests/DICOMDIR"); // a real Part 10 file: skipped by its name
        TestArchive.Write(
            dir.File("cd.zip"),
            ("DICOMDIR", dicomDir),
            ("CD2/dicomdir", dicomDir),
            ("CD3\\DicomDir;1", dicomDir),
            ("DICOM/IMG1", DicomSamples.Part10()));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("cd.zip"), dir.UnpackPath, Defaults, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.Equal(
            [ZipEntryDisposition.SkippedDicomDir, ZipEntryDisposition.SkippedDicomDir, ZipEntryDisposition.SkippedDicomDir, ZipEntryDisposition.Extracted],
            result.Entries.Select(e => e.Disposition));
        Assert.All(result.Entries.Take(3), e => Assert.Contains("DICOMDIR", e.Reason, StringComparison.Ordinal));
        Assert.Equal(["DICOM/IMG1"], collector.Names);
    }

    [Fact]
    public async Task WalkAsync_NonDicomFiles_SkippedNotDicomAndReported()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(
            dir.File("mixed.zip"),
            ("report.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")),
            ("photo.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01]),
            ("notes.txt", Encoding.UTF8.GetBytes("Please compare with the 2019 study.")),
            ("empty.dcm", []),
            ("image.dcm", DicomSamples.Part10()));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("mixed.zip"), dir.UnpackPath, Defaults, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(
            [
                new ZipEntryReport("report.pdf", ZipEntryDisposition.SkippedNotDicom, "This file is not a DICOM file"),
                new ZipEntryReport("photo.jpg", ZipEntryDisposition.SkippedNotDicom, "This file is not a DICOM file"),
                new ZipEntryReport("notes.txt", ZipEntryDisposition.SkippedNotDicom, "This file is not a DICOM file"),
                new ZipEntryReport("empty.dcm", ZipEntryDisposition.SkippedNotDicom, "This file is not a DICOM file"),
                new ZipEntryReport("image.dcm", ZipEntryDisposition.Extracted, null),
            ],
            result.Entries);
        Assert.Equal(["image.dcm"], collector.Names);
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_DirectoryEntries_SkippedDirectory()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(dir.File("dirs.zip"), ("STUDY/", []), ("STUDY/SERIES/", []), ("STUDY/SERIES/IMG1", DicomSamples.Part10()));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("dirs.zip"), dir.UnpackPath, Defaults, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.Equal(
            [ZipEntryDisposition.SkippedDirectory, ZipEntryDisposition.SkippedDirectory, ZipEntryDisposition.Extracted],
            result.Entries.Select(e => e.Disposition));
        Assert.Equal(["STUDY/SERIES/IMG1"], collector.Names);
    }

    [Fact]
    public async Task WalkAsync_EncryptedEntry_SkippedEncrypted()
    {
        using var dir = new TempDirectory();
        byte[] plain = DicomSamples.Part10();
        using (var writer = new RawZipWriter(dir.File("locked.zip")))
        {
            // Traditional PKWARE encryption (APPNOTE 6.1): a 12-byte header, then the data; the bytes do not matter here.
            writer.AddEntry("secret.dcm", RawZipWriter.Stored, crc: 0x12345678, declaredUncompressedSize: (uint)plain.Length, s => s.Write(new byte[12 + plain.Length]), RawZipWriter.EncryptedFlag);
            writer.AddEntry("open.dcm", RawZipWriter.Stored, ZipCrc(plain), (uint)plain.Length, s => s.Write(plain));
        }

        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("locked.zip"), dir.UnpackPath, Defaults, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(ZipEntryDisposition.SkippedEncrypted, result.Entries[0].Disposition);
        Assert.Contains("password", result.Entries[0].Reason, StringComparison.Ordinal);
        Assert.Equal(ZipEntryDisposition.Extracted, result.Entries[1].Disposition);
        Assert.Equal(["open.dcm"], collector.Names);
        Assert.Equal(plain, collector.Contents["open.dcm"]);
    }

    [Fact]
    public async Task WalkAsync_TempFiles_HaveRandomNamesInTheTempDirectoryAndAreDeletedAfterTheCallback()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(dir.File("a.zip"), ("evil/passwd.dcm", DicomSamples.Part10("1.2.3.1")), ("evil/passwd2.dcm", DicomSamples.Part10("1.2.3.2")));
        var collector = new FileCollector();

        await new ZipWalker().WalkAsync(dir.File("a.zip"), dir.UnpackPath, Defaults, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.Equal(2, collector.TempPaths.Distinct().Count());
        Assert.All(collector.TempPaths, path =>
        {
            Assert.Equal(dir.UnpackPath, Path.GetDirectoryName(path));
            Assert.DoesNotContain("passwd", path, StringComparison.Ordinal);
            Assert.False(File.Exists(path));
        });
    }

    [Fact]
    public async Task WalkAsync_CallbackThrows_PropagatesAndDeletesTheTempFile()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(dir.File("a.zip"), ("a.dcm", DicomSamples.Part10()));
        string? seen = null;

        await Assert.ThrowsAsync<InvalidOperationException>(() => new ZipWalker().WalkAsync(
            dir.File("a.zip"),
            dir.UnpackPath,
            Defaults,
            (_, path, _) =>
            {
                seen = path;
                throw new InvalidOperationException("index unavailable");
            },
            TestContext.Current.CancellationToken));

        Assert.NotNull(seen);
        Assert.False(File.Exists(seen));
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_CancelledBeforeStart_ThrowsOperationCanceled()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(dir.File("a.zip"), ("a.dcm", DicomSamples.Part10()));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var collector = new FileCollector();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ZipWalker().WalkAsync(dir.File("a.zip"), dir.UnpackPath, Defaults, collector.OnFileAsync, cts.Token));

        Assert.Empty(collector.Names);
    }

    [Fact]
    public async Task WalkAsync_CancelledDuringWalk_ThrowsOperationCanceledAndLeavesNoTempFile()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(
            dir.File("outer.zip"),
            ("a.dcm", DicomSamples.Part10("1.2.3.1")),
            ("inner.zip", TestArchive.Bytes(("b.dcm", DicomSamples.Part10("1.2.3.2")), ("c.dcm", DicomSamples.Part10("1.2.3.3")))),
            ("d.dcm", DicomSamples.Part10("1.2.3.4")));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var names = new List<string>();

        // Cancelled while the nested archive is open: its temporary copy must go too.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ZipWalker().WalkAsync(
            dir.File("outer.zip"),
            dir.UnpackPath,
            Defaults,
            async (name, _, _) =>
            {
                names.Add(name);
                if (name == "inner.zip/b.dcm")
                {
                    await cts.CancelAsync();
                }
            },
            cts.Token));

        Assert.Equal(["a.dcm", "inner.zip/b.dcm"], names);
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_InvalidLimits_ThrowsArgumentOutOfRange()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(dir.File("a.zip"), ("a.dcm", DicomSamples.Part10()));
        var collector = new FileCollector();

        foreach (ZipLimits limits in new[] { new ZipLimits { MaxEntries = 0 }, new ZipLimits { MaxCompressionRatio = double.NaN }, new ZipLimits { MaxNestingDepth = -1 } })
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
                new ZipWalker().WalkAsync(dir.File("a.zip"), dir.UnpackPath, limits, collector.OnFileAsync, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public void ZipLimits_Defaults_AreTheDocumentedOnes()
    {
        var limits = new ZipLimits();

        Assert.Equal(100_000, limits.MaxEntries);
        Assert.Equal(20L * 1024 * 1024 * 1024, limits.MaxTotalUncompressedBytes);
        Assert.Equal(2L * 1024 * 1024 * 1024, limits.MaxEntryBytes);
        Assert.Equal(200, limits.MaxCompressionRatio);
        Assert.Equal(1, limits.MaxNestingDepth);
        Assert.Equal("Portico:Ingest:Zip", ZipLimits.Section);
    }

    private static uint ZipCrc(byte[] data) => Portico.Ingest.Zip.ZipCrc32.Append(0, data);
}
