using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests;

/// <summary><see cref="PixelLayout.FromDataset"/> on pydicom's files (values as dcmdump shows them) and on data sets it must refuse.</summary>
public sealed class PixelLayoutTests
{
    [Fact]
    public void FromDataset_CtSmall_ReadsTheImagePixelModuleAndRescale()
    {
        PixelLayout layout = PixelLayout.FromDataset(DicomFile.Open(DicomSamples.Pydicom("CT_small.dcm")).Dataset);

        Assert.Equal((128, 128, 1, 16, 16, 15, true, "MONOCHROME2"), (layout.Rows, layout.Columns, layout.SamplesPerPixel, layout.BitsAllocated, layout.BitsStored, layout.HighBit, layout.Signed, layout.Photometric));
        Assert.Equal((1.0, -1024.0, 1), (layout.RescaleSlope, layout.RescaleIntercept, layout.NumberOfFrames));
        Assert.Empty(layout.Windows);
        Assert.Equal(128 * 128 * 2, layout.FrameBytes);
    }

    [Fact]
    public void FromDataset_RtDose_ReadsFramesAndThirtyTwoBits()
    {
        PixelLayout layout = PixelLayout.FromDataset(DicomFile.Open(DicomSamples.Pydicom("rtdose.dcm")).Dataset);

        Assert.Equal((10, 10, 32, 15, false), (layout.Rows, layout.Columns, layout.BitsAllocated, layout.NumberOfFrames, layout.Signed));
        Assert.Equal(400, layout.FrameBytes);
    }

    [Fact]
    public void FromDataset_MrSmall_ReadsItsWindow()
    {
        PixelLayout layout = PixelLayout.FromDataset(DicomFile.Open(DicomSamples.Pydicom("MR_small.dcm")).Dataset);

        Assert.Equal([new VoiWindow(600, 1600, VoiFunction.Linear)], layout.Windows);
    }

    [Fact]
    public void FromDataset_YbrFull422_FrameIsTwoBytesPerPixel()
    {
        PixelLayout layout = PixelLayout.FromDataset(DicomFile.Open(DicomSamples.Pydicom("SC_ybr_full_422_uncompressed.dcm")).Dataset);

        Assert.Equal(100 * 100 * 2, layout.FrameBytes);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "no Rows", "no Rows or Columns" },
        { "no Columns", "no Rows or Columns" },
        { "Rows of one byte", "no Rows or Columns" },
        { "Bits Allocated 12", "12 bits allocated" },
        { "Bits Allocated 1", "1 bits allocated" },
        { "Bits Stored 0", "0 stored" },
        { "Bits Stored above Bits Allocated", "17 stored" },
        { "High Bit 16 of 16", "high bit 16" },
        { "Photometric PALETTE COLOR", "PALETTE COLOR" },
        { "Photometric HSV", "HSV" },
        { "no Photometric", "(none)" },
        { "MONOCHROME2 with 3 samples", "3 samples per pixel" },
        { "RGB with 1 sample", "1 samples per pixel" },
        { "RGB of 32 bits", "32 bits" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void FromDataset_UnshowableDataset_ThrowsRenderingException(string change, string message)
    {
        DicomDataset dataset = Grey();
        switch (change)
        {
            case "no Rows":
                dataset.Remove(DicomTags.Rows);
                break;
            case "no Columns":
                dataset.Remove(DicomTags.Columns);
                break;
            case "Rows of one byte":
                dataset.Add(new DicomElement(DicomTags.Rows, DicomVR.US, new byte[] { 64 }));
                break;
            case "Bits Allocated 12":
                Set(dataset, DicomTags.BitsAllocated, 12);
                Set(dataset, DicomTags.BitsStored, 12);
                Set(dataset, DicomTags.HighBit, 11);
                break;
            case "Bits Allocated 1":
                Set(dataset, DicomTags.BitsAllocated, 1);
                Set(dataset, DicomTags.BitsStored, 1);
                Set(dataset, DicomTags.HighBit, 0);
                break;
            case "Bits Stored 0":
                Set(dataset, DicomTags.BitsStored, 0);
                break;
            case "Bits Stored above Bits Allocated":
                Set(dataset, DicomTags.BitsStored, 17);
                break;
            case "High Bit 16 of 16":
                Set(dataset, DicomTags.HighBit, 16);
                break;
            case "Photometric PALETTE COLOR":
                dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "PALETTE COLOR");
                break;
            case "Photometric HSV":
                dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "HSV");
                break;
            case "no Photometric":
                dataset.Remove(DicomTags.PhotometricInterpretation);
                break;
            case "MONOCHROME2 with 3 samples":
                Set(dataset, DicomTags.SamplesPerPixel, 3);
                break;
            case "RGB with 1 sample":
                dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "RGB");
                break;
            case "RGB of 32 bits":
                dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "RGB");
                Set(dataset, DicomTags.SamplesPerPixel, 3);
                Set(dataset, DicomTags.BitsAllocated, 32);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        var ex = Assert.Throws<RenderingException>(() => PixelLayout.FromDataset(dataset));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDataset_LiverOneBitPerPixel_ThrowsRenderingException()
    {
        DicomDataset dataset = DicomFile.Open(DicomSamples.Pydicom("liver_1frame.dcm")).Dataset;

        var ex = Assert.Throws<RenderingException>(() => PixelLayout.FromDataset(dataset));

        Assert.Contains("1 bits allocated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDataset_WindowsAndFunction_KeepsTheValidOnesInOrder()
    {
        DicomDataset dataset = Grey();
        dataset.AddOrUpdate(DicomTags.WindowCenter, DicomVR.DS, @"40\-600\x\90");
        dataset.AddOrUpdate(DicomTags.WindowWidth, DicomVR.DS, @"400\1500\100\0");
        dataset.AddOrUpdate(DicomTags.VOILUTFunction, DicomVR.CS, "SIGMOID");

        PixelLayout layout = PixelLayout.FromDataset(dataset);

        Assert.Equal([new VoiWindow(40, 400, VoiFunction.Sigmoid), new VoiWindow(-600, 1500, VoiFunction.Sigmoid)], layout.Windows);
    }

    /// <summary>
    /// PS3.3 C.11.2.1.2: Window Width is at least 1 for LINEAR, but only greater than 0 for LINEAR_EXACT and SIGMOID
    /// (C.11.2.1.3.2).
    /// </summary>
    [Theory]
    [InlineData("LINEAR", false)]
    [InlineData("LINEAR_EXACT", true)]
    [InlineData("SIGMOID", true)]
    public void FromDataset_WindowWidthBelowOne_KeptUnlessLinear(string function, bool kept)
    {
        DicomDataset dataset = Grey();
        dataset.AddOrUpdate(DicomTags.WindowCenter, DicomVR.DS, "100");
        dataset.AddOrUpdate(DicomTags.WindowWidth, DicomVR.DS, "0.5");
        dataset.AddOrUpdate(DicomTags.VOILUTFunction, DicomVR.CS, function);

        PixelLayout layout = PixelLayout.FromDataset(dataset);

        Assert.Equal(kept ? 1 : 0, layout.Windows.Count);
    }

    [Fact]
    public void FromDataset_BadNumbers_FallBackToDefaults()
    {
        DicomDataset dataset = Grey();
        dataset.AddOrUpdate(DicomTags.NumberOfFrames, DicomVR.IS, "x");
        dataset.AddOrUpdate(DicomTags.RescaleSlope, DicomVR.DS, "0");
        dataset.AddOrUpdate(DicomTags.RescaleIntercept, DicomVR.DS, "NaN");

        PixelLayout layout = PixelLayout.FromDataset(dataset);

        Assert.Equal((1, 1.0, 0.0), (layout.NumberOfFrames, layout.RescaleSlope, layout.RescaleIntercept));
    }

    /// <summary>A valid 64 × 64 signed 16-bit MONOCHROME2 image header.</summary>
    private static DicomDataset Grey()
    {
        var dataset = new DicomDataset();
        Set(dataset, DicomTags.SamplesPerPixel, 1);
        dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        Set(dataset, DicomTags.Rows, 64);
        Set(dataset, DicomTags.Columns, 64);
        Set(dataset, DicomTags.BitsAllocated, 16);
        Set(dataset, DicomTags.BitsStored, 16);
        Set(dataset, DicomTags.HighBit, 15);
        Set(dataset, DicomTags.PixelRepresentation, 1);
        _ = PixelLayout.FromDataset(dataset);
        return dataset;
    }

    private static void Set(DicomDataset dataset, DicomTag tag, ushort value) => dataset.AddOrUpdate(tag, DicomVR.US, value);
}
