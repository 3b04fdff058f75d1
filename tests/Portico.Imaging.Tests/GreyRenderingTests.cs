using System.Buffers.Binary;
using System.Globalization;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests;

/// <summary>
/// Grey frames rendered by <see cref="FrameRenderer"/> against DCMTK's dcm2pnm with the same window, every pixel.
/// </summary>
/// <remarks>
/// PS3.3 C.11.2.1.2 gives the window functions as real-valued y and leaves the conversion to an integer grey level open.
/// DCMTK truncates y (a cast to the output type); Portico rounds it to the nearest level. So ours may be one level above
/// DCMTK's (in these files, from a few percent to about half of the pixels are), never below it and never more.
/// </remarks>
public sealed class GreyRenderingTests
{
    private const int Least = 0;
    private const int Most = 1;

    /// <summary>
    /// File, frame (1-based) and window: "file" (its first window; dcm2pnm +Wi 1), "minmax" (the frame's range; +Wm),
    /// or "center,width[,sigmoid]" (+Ww center width [+Wfs]).
    /// </summary>
    public static TheoryData<string, int, string> Frames => new()
    {
        // Signed 16-bit CT with rescale intercept -1024 and no window of its own.
        { "CT_small.dcm", 1, "40,400" },
        { "CT_small.dcm", 1, "-600,1500" },
        { "CT_small.dcm", 1, "1000,1" },
        { "CT_small.dcm", 1, "40,400,sigmoid" },
        { "CT_small.dcm", 1, "minmax" },
        // Signed 16-bit MR with a window of its own (600, 1600).
        { "MR_small.dcm", 1, "file" },
        { "MR_small.dcm", 1, "minmax" },
        { "MR_small.dcm", 1, "1000,500" },
        { "MR_small_implicit.dcm", 1, "file" },
        // The same MR as RLE Lossless (two segments per frame).
        { "MR_small_RLE.dcm", 1, "file" },
        { "MR_small_RLE.dcm", 1, "minmax" },
        { "MR_small_RLE.dcm", 1, "1000,500,sigmoid" },
        // 32-bit unsigned dose grid, 15 frames, no window: native and RLE (four segments per frame).
        { "rtdose.dcm", 2, "minmax" },
        { "rtdose.dcm", 15, "minmax" },
        { "rtdose.dcm", 2, "2000000,3000000" },
        { "rtdose_rle.dcm", 2, "minmax" },
        { "rtdose_rle.dcm", 9, "minmax" },
        // 8-bit unsigned, deflated data set.
        { "image_dfl.dcm", 1, "minmax" },
        { "image_dfl.dcm", 1, "128,100" },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void Render_SameWindowAsDcm2pnm_EveryPixelWithinOneLevel(string file, int frame, string window)
    {
        var image = SampleImage.Open(file);

        RenderedImage ours = image.Render(frame - 1, OurWindow(image, frame, window));

        ReferenceImages.Pnm reference = ReferenceImages.Dcm2Pnm(image.Path, [.. FrameOption(image, frame), .. Dcm2PnmWindow(window)]);
        Assert.Equal(1, ours.Channels);
        ReferenceImages.AssertWithin(reference, ours.AsPnm(), Least, Most, $"{file} frame {frame} window {window}");
    }

    /// <summary>
    /// The edits the synthetic files below make: to MR_small (signed 16-bit, window 600/1600) unless the name says
    /// otherwise, to frame 2 of rtdose (unsigned 32-bit) or to image_dfl (unsigned 8-bit).
    /// </summary>
    public static TheoryData<string> Variants => new()
    {
        "MONOCHROME1",
        "12 bits stored",
        "12 bits stored at high bit 13",
        "unsigned 10 bits stored",
        "rescale 0.5,-100",
        "rescale 3,7",
        "two windows",
        "four values",
        "rtdose signed 32 bits",
        "rtdose 24 bits stored with rescale",
        "image_dfl signed 8 bits",
    };

    /// <summary>
    /// What pydicom's files lack, made from them and checked against dcm2pnm the same way: MONOCHROME1 (inverted), fewer
    /// bits stored than allocated with noise above the high bit, a high bit not at Bits Stored - 1, rescale slopes, a
    /// second window, a range of four values, signed 32-bit and signed 8-bit values.
    /// </summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void Render_SyntheticVariant_EveryPixelWithinOneLevelOfDcm2pnm(string variant)
    {
        (string source, int frame, string[] windows) = variant switch
        {
            "two windows" => ("MR_small.dcm", 0, ["file", "file 2", "minmax"]),
            _ when variant.StartsWith("rtdose", StringComparison.Ordinal) => ("rtdose.dcm", 1, ["minmax", "0,2000000", "-300000,600000,sigmoid"]),
            _ when variant.StartsWith("image_dfl", StringComparison.Ordinal) => ("image_dfl.dcm", 0, ["minmax", "0,100", "-50,60"]),
            _ => ("MR_small.dcm", 0, new[] { "file", "minmax", "700,900" }),
        };
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            string path = SampleImage.Open(source).WriteNative(directory, frame, (dataset, pixels) => Change(variant, dataset, pixels));
            var image = SampleImage.Open(path);

            foreach (string window in windows)
            {
                RenderedImage ours = image.Render(0, OurWindow(image, 1, window));

                ReferenceImages.Pnm reference = ReferenceImages.Dcm2Pnm(path, Dcm2PnmWindow(window));
                ReferenceImages.AssertWithin(reference, ours.AsPnm(), Least, Most, $"{source} ({variant}) window {window}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Render_WithoutWindow_UsesTheFilesFirstWindowElseTheFramesRange()
    {
        var mr = SampleImage.Open("MR_small.dcm");
        var ct = SampleImage.Open("CT_small.dcm");

        Assert.Equal(mr.Render(0, new VoiWindow(600, 1600)).Pixels, mr.Render(0).Pixels);
        Assert.Equal(ct.Render(0, FrameRenderer.RangeWindow(ct.Layout, ct.StoredFrame(0))).Pixels, ct.Render(0).Pixels);
    }

    /// <summary>
    /// PS3.3 C.11.2.1.2.1 (note): "a Window Center of 2^(n-1) and a Window Width of 2^n selects the range of input values
    /// from 0 to 2^n-1": the frame's range window takes its smallest value to black and its largest to white.
    /// </summary>
    [Fact]
    public void RangeWindow_SmallestValueBlackLargestWhite()
    {
        var layout = new PixelLayout { Rows = 1, Columns = 4, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "MONOCHROME2" };
        byte[] frame = [0, 1, 2, 3];

        VoiWindow window = FrameRenderer.RangeWindow(layout, frame);
        RenderedImage image = FrameRenderer.Render(layout, frame);

        Assert.Equal((2.0, 4.0), (window.Center, window.Width));
        Assert.Equal([0, 85, 170, 255], image.Pixels);
    }

    [Fact]
    public void Render_FrameShorterThanTheLayout_ThrowsRenderingException()
    {
        var image = SampleImage.Open("CT_small.dcm");

        var ex = Assert.Throws<RenderingException>(() => FrameRenderer.Render(image.Layout, image.StoredFrame(0).AsSpan(1)));

        Assert.Contains("32,768", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Change(string variant, DicomDataset dataset, byte[] pixels)
    {
        switch (variant)
        {
            case "MONOCHROME1":
                dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME1");
                break;
            case "12 bits stored":
                // Bits above the high bit are not part of the value (PS3.5 §8.1.1): fill them with noise.
                dataset.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, 12);
                dataset.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, 11);
                Transform(pixels, (v, i) => (ushort)((v & 0x0FFF) | ((i * 7919) & 0xF000)));
                break;
            case "12 bits stored at high bit 13":
                dataset.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, 12);
                dataset.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, 13);
                Transform(pixels, (v, i) => (ushort)(((v & 0x0FFF) << 2) | ((i * 7919) & 0xC003)));
                break;
            case "unsigned 10 bits stored":
                dataset.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 0);
                dataset.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, 10);
                dataset.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, 9);
                dataset.AddOrUpdate(DicomTags.WindowCenter, DicomVR.DS, "300");
                dataset.AddOrUpdate(DicomTags.WindowWidth, DicomVR.DS, "500");
                Transform(pixels, (v, i) => (ushort)((v / 4) | ((i * 7919) & 0xFC00)));
                break;
            case "rescale 0.5,-100":
                dataset.AddOrUpdate(DicomTags.RescaleSlope, DicomVR.DS, "0.5");
                dataset.AddOrUpdate(DicomTags.RescaleIntercept, DicomVR.DS, "-100");
                dataset.AddOrUpdate(DicomTags.RescaleType, DicomVR.LO, "US");
                break;
            case "rescale 3,7":
                dataset.AddOrUpdate(DicomTags.RescaleSlope, DicomVR.DS, "3");
                dataset.AddOrUpdate(DicomTags.RescaleIntercept, DicomVR.DS, "7");
                dataset.AddOrUpdate(DicomTags.RescaleType, DicomVR.LO, "US");
                break;
            case "four values":
                // A range of 0 to 3: the range window's rounding shows at full size.
                Transform(pixels, (v, i) => (ushort)((v + i) % 4));
                break;
            case "rtdose signed 32 bits":
                // Half the dose values below zero, as two's complement.
                dataset.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 1);
                for (int i = 0; i < pixels.Length / 4; i++)
                {
                    Span<byte> word = pixels.AsSpan(i * 4, 4);
                    BinaryPrimitives.WriteInt32LittleEndian(word, (int)BinaryPrimitives.ReadUInt32LittleEndian(word) - 1_000_000);
                }

                break;
            case "rtdose 24 bits stored with rescale":
                // Noise in the top byte, which is not part of the value.
                dataset.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, 24);
                dataset.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, 23);
                dataset.AddOrUpdate(DicomTags.RescaleSlope, DicomVR.DS, "0.25");
                dataset.AddOrUpdate(DicomTags.RescaleIntercept, DicomVR.DS, "-250000");
                for (int i = 0; i < pixels.Length / 4; i++)
                {
                    pixels[(i * 4) + 3] = (byte)(i * 37);
                }

                break;
            case "image_dfl signed 8 bits":
                dataset.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 1);
                break;
            case "two windows":
                dataset.AddOrUpdate(DicomTags.WindowCenter, DicomVR.DS, @"600\300");
                dataset.AddOrUpdate(DicomTags.WindowWidth, DicomVR.DS, @"1600\400");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(variant), variant, null);
        }

        return pixels;
    }

    private static void Transform(byte[] pixels, Func<int, int, ushort> change)
    {
        for (int i = 0; i < pixels.Length / 2; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(i * 2), change(BinaryPrimitives.ReadUInt16LittleEndian(pixels.AsSpan(i * 2)), i));
        }
    }

    private static string[] FrameOption(SampleImage image, int frame) =>
        image.Layout.NumberOfFrames > 1 ? ["+F", frame.ToString(CultureInfo.InvariantCulture)] : [];

    private static VoiWindow? OurWindow(SampleImage image, int frame, string window) => window switch
    {
        "file" => null,
        "file 2" => image.Layout.Windows[1],
        // Without a window of its own, the default is the range; with one, ask for the range.
        "minmax" => image.Layout.Windows.Count == 0 ? null : FrameRenderer.RangeWindow(image.Layout, image.NativeFrame(frame - 1).Bytes),
        _ => ParseWindow(window),
    };

    private static string[] Dcm2PnmWindow(string window) => window switch
    {
        "file" => ["+Wi", "1"],
        "file 2" => ["+Wi", "2"],
        "minmax" => ["+Wm"],
        _ => ParseWindow(window) is var w && w.Function == VoiFunction.Sigmoid
            ? ["+Ww", Text(w.Center), Text(w.Width), "+Wfs"]
            : ["+Ww", Text(w.Center), Text(w.Width)],
    };

    private static VoiWindow ParseWindow(string window)
    {
        string[] parts = window.Split(',');
        return new VoiWindow(
            double.Parse(parts[0], CultureInfo.InvariantCulture),
            double.Parse(parts[1], CultureInfo.InvariantCulture),
            parts.Length > 2 ? VoiFunction.Sigmoid : VoiFunction.Linear);
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
