using BenchmarkDotNet.Attributes;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Values;

namespace Portico.Benchmarks;

/// <summary>
/// Header parse (stop at Pixel Data), full parse and write of a small echo-like file and a 512 KB CT
/// image. The inputs are built in memory at setup, so the figures measure the codec, not the disk.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private byte[] _small = [];
    private byte[] _ct = [];
    private DicomFile _ctFile = null!;
    private DicomFile _smallFile = null!;
    private readonly MemoryStream _sink = new(1 << 20);

    [GlobalSetup]
    public void Setup()
    {
        _small = Build(rows: 64, columns: 64, bitsAllocated: 8);
        _ct = Build(rows: 512, columns: 512, bitsAllocated: 16);
        _smallFile = DicomFile.ReadAsync(new MemoryStream(_small)).GetAwaiter().GetResult();
        _ctFile = DicomFile.ReadAsync(new MemoryStream(_ct)).GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task<DicomFile> HeaderSmall() => DicomFile.ReadAsync(new MemoryStream(_small, writable: false), DicomFileReadOptions.HeaderOnly);

    [Benchmark]
    public Task<DicomFile> HeaderCt512KB() => DicomFile.ReadAsync(new MemoryStream(_ct, writable: false), DicomFileReadOptions.HeaderOnly);

    [Benchmark]
    public Task<DicomFile> FullSmall() => DicomFile.ReadAsync(new MemoryStream(_small, writable: false), FullLoad);

    [Benchmark]
    public Task<DicomFile> FullCt512KB() => DicomFile.ReadAsync(new MemoryStream(_ct, writable: false), FullLoad);

    [Benchmark]
    public async Task WriteSmall()
    {
        _sink.Position = 0;
        await DicomFileWriter.WriteAsync(_smallFile, _sink);
    }

    [Benchmark]
    public async Task WriteCt512KB()
    {
        _sink.Position = 0;
        await DicomFileWriter.WriteAsync(_ctFile, _sink);
    }

    /// <summary>Loads every value (no ranges) so the full parse includes copying pixel data.</summary>
    private static readonly DicomFileReadOptions FullLoad = new() { DeferValuesLongerThan = uint.MaxValue - 1 };

    private static byte[] Build(ushort rows, ushort columns, ushort bitsAllocated)
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 100");
        ds.AddOrUpdate(DicomTags.ImageType, DicomVR.CS, "ORIGINAL\\PRIMARY\\AXIAL");
        ds.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2");
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.826.0.1.3680043.10.1456.1.2.3.4");
        ds.AddOrUpdate(DicomTags.StudyDate, DicomVR.DA, "20260115");
        ds.AddOrUpdate(DicomTags.StudyTime, DicomVR.TM, "101500");
        ds.AddOrUpdate(DicomTags.AccessionNumber, DicomVR.SH, "ACC000001");
        ds.AddOrUpdate(DicomTags.Modality, DicomVR.CS, "CT");
        ds.AddOrUpdate(DicomTags.Manufacturer, DicomVR.LO, "Benchmark Imaging");
        ds.AddOrUpdate(DicomTags.InstitutionName, DicomVR.LO, "Portico Test Hospital");
        ds.AddOrUpdate(DicomTags.ReferringPhysicianName, DicomVR.PN, "Referrer^Rita");
        ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "Benchmark study");
        ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, "Patient^Test");
        ds.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, "PID00001");
        ds.AddOrUpdate(DicomTags.PatientBirthDate, DicomVR.DA, "19700101");
        ds.AddOrUpdate(DicomTags.PatientSex, DicomVR.CS, "O");
        var item = new DicomDataset();
        item.AddOrUpdate(DicomTags.CodeValue, DicomVR.SH, "T-32000");
        item.AddOrUpdate(DicomTags.CodingSchemeDesignator, DicomVR.SH, "SRT");
        item.AddOrUpdate(DicomTags.CodeMeaning, DicomVR.LO, "Heart");
        ds.Add(new DicomSequence(DicomTags.AnatomicRegionSequence, item));
        ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, "1.2.826.0.1.3680043.10.1456.1");
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, "1.2.826.0.1.3680043.10.1456.1.2");
        ds.AddOrUpdate(DicomTags.SeriesNumber, DicomVR.IS, "1");
        ds.AddOrUpdate(DicomTags.InstanceNumber, DicomVR.IS, "1");
        ds.AddOrUpdate(DicomTags.SamplesPerPixel, DicomVR.US, (ushort)1);
        ds.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        ds.AddOrUpdate(DicomTags.Rows, DicomVR.US, rows);
        ds.AddOrUpdate(DicomTags.Columns, DicomVR.US, columns);
        ds.AddOrUpdate(DicomTags.BitsAllocated, DicomVR.US, bitsAllocated);
        ds.AddOrUpdate(DicomTags.BitsStored, DicomVR.US, bitsAllocated);
        ds.AddOrUpdate(DicomTags.HighBit, DicomVR.US, (ushort)(bitsAllocated - 1));
        ds.AddOrUpdate(DicomTags.PixelRepresentation, DicomVR.US, (ushort)0);
        byte[] pixels = new byte[rows * columns * (bitsAllocated / 8)];
        new Random(42).NextBytes(pixels);
        ds.Add(new DicomElement(DicomTags.PixelData, bitsAllocated == 8 ? DicomVR.OB : DicomVR.OW, pixels));

        var file = new DicomFile(new DicomDataset(), ds, TransferSyntax.ExplicitVRLittleEndian);
        var output = new MemoryStream();
        DicomFileWriter.WriteAsync(file, output).GetAwaiter().GetResult();
        return output.ToArray();
    }
}
