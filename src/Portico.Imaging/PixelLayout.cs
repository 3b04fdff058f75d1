using System.Globalization;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;

namespace Portico.Imaging;

/// <summary>
/// How an image's pixel data is laid out and how its stored values become what is shown: the Image Pixel module
/// (PS3.3 C.7.6.3), the Modality LUT's rescale (C.11.1) and the VOI LUT's windows (C.11.2), read from a data set.
/// </summary>
public sealed record PixelLayout
{
    public required int Rows { get; init; }

    public required int Columns { get; init; }

    public int SamplesPerPixel { get; init; } = 1;

    public required int BitsAllocated { get; init; }

    public required int BitsStored { get; init; }

    public required int HighBit { get; init; }

    /// <summary>Pixel Representation 1: stored values are two's complement.</summary>
    public bool Signed { get; init; }

    /// <summary>The Photometric Interpretation, trimmed: <c>MONOCHROME2</c>, <c>RGB</c>, <c>YBR_FULL</c>...</summary>
    public required string Photometric { get; init; }

    /// <summary>Planar Configuration 1: each colour plane in turn (RRR...GGG...BBB) instead of interleaved.</summary>
    public bool Planar { get; init; }

    public int NumberOfFrames { get; init; } = 1;

    public double RescaleSlope { get; init; } = 1;

    public double RescaleIntercept { get; init; }

    /// <summary>The windows the file suggests, first the one a viewer shows by default (Window Center and Width).</summary>
    public IReadOnlyList<VoiWindow> Windows { get; init; } = [];

    /// <summary>The lookup tables of a PALETTE COLOR image; null for every other.</summary>
    public PaletteColorLut? Palette { get; init; }

    public bool IsMonochrome => Photometric is "MONOCHROME1" or "MONOCHROME2";

    /// <summary>
    /// Bytes of one frame of native (uncompressed) pixel data in this layout. Native YBR_FULL_422 pairs pixels, so
    /// <see cref="FrameRenderer"/> shows it with 8 bits and an even number of columns only; a compressed frame (JPEG
    /// 4:2:2) has no such limit, its decoder gives every pixel its own samples.
    /// </summary>
    public long FrameBytes => Photometric is "YBR_FULL_422"
        ? (long)Rows * Columns * 2 * (BitsAllocated / 8)
        : (long)Rows * Columns * SamplesPerPixel * BitsAllocated / 8;

    /// <summary>Reads the layout from <paramref name="dataset"/>.</summary>
    /// <exception cref="RenderingException">The attributes are missing or describe pixels Portico cannot show.</exception>
    public static PixelLayout FromDataset(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int rows = dataset.GetValue<ushort>(DicomTags.Rows);
        int columns = dataset.GetValue<ushort>(DicomTags.Columns);
        int bitsAllocated = dataset.GetValue<ushort>(DicomTags.BitsAllocated);
        int bitsStored = dataset.GetValue<ushort>(DicomTags.BitsStored, (ushort)bitsAllocated);
        var layout = new PixelLayout
        {
            Rows = rows,
            Columns = columns,
            SamplesPerPixel = dataset.GetValue<ushort>(DicomTags.SamplesPerPixel, 1),
            BitsAllocated = bitsAllocated,
            BitsStored = bitsStored,
            HighBit = dataset.GetValue<ushort>(DicomTags.HighBit, (ushort)Math.Max(0, bitsStored - 1)),
            Signed = dataset.GetValue<ushort>(DicomTags.PixelRepresentation) == 1,
            Photometric = (dataset.GetString(DicomTags.PhotometricInterpretation) ?? "").Trim(),
            Planar = dataset.GetValue<ushort>(DicomTags.PlanarConfiguration) == 1,
            NumberOfFrames = int.TryParse(dataset.GetString(DicomTags.NumberOfFrames)?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int frames) && frames > 0 ? frames : 1,
            RescaleSlope = Number(dataset, DicomTags.RescaleSlope) is { } slope and not 0 ? slope : 1,
            RescaleIntercept = Number(dataset, DicomTags.RescaleIntercept) ?? 0,
            Windows = WindowsOf(dataset),
        };
        layout.Check();
        return layout.Photometric == "PALETTE COLOR" ? layout with { Palette = PaletteColorLut.FromDataset(dataset) } : layout;
    }

    private void Check()
    {
        if (Rows == 0 || Columns == 0)
        {
            throw new RenderingException("The image has no Rows or Columns.");
        }

        if (BitsAllocated is not (8 or 16 or 32) || BitsStored < 1 || BitsStored > BitsAllocated || HighBit < BitsStored - 1 || HighBit >= BitsAllocated)
        {
            throw new RenderingException($"Pixels of {BitsAllocated} bits allocated, {BitsStored} stored, high bit {HighBit} cannot be shown.");
        }

        bool known = (Photometric, SamplesPerPixel) is ("MONOCHROME1" or "MONOCHROME2" or "PALETTE COLOR", 1) or ("RGB" or "YBR_FULL" or "YBR_RCT" or "YBR_ICT", 3) or ("YBR_FULL_422", 3);
        if (!known)
        {
            throw new RenderingException($"Photometric interpretation {(Photometric.Length > 0 ? Photometric : "(none)")} with {SamplesPerPixel} samples per pixel cannot be shown.");
        }

        if (Photometric == "PALETTE COLOR" && (BitsAllocated == 32 || Signed))
        {
            throw new RenderingException("PALETTE COLOR pixels are shown with 8 or 16 bits, unsigned.");
        }

        if (!IsMonochrome && BitsAllocated == 32)
        {
            throw new RenderingException("Colour pixels of 32 bits cannot be shown.");
        }

    }

    private static double? Number(DicomDataset dataset, DicomTag tag) =>
        dataset.GetStrings(tag) is [var first, ..] && double.TryParse(first.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value : null;

    /// <summary>The valid windows: a width of at least 1 for LINEAR, above 0 for LINEAR_EXACT and SIGMOID (PS3.3 C.11.2.1.2, C.11.2.1.3).</summary>
    private static List<VoiWindow> WindowsOf(DicomDataset dataset)
    {
        string[] centers = dataset.GetStrings(DicomTags.WindowCenter);
        string[] widths = dataset.GetStrings(DicomTags.WindowWidth);
        VoiFunction function = VoiWindow.ParseFunction(dataset.GetString(DicomTags.VOILUTFunction)) ?? VoiFunction.Linear;
        var windows = new List<VoiWindow>();
        for (int i = 0; i < Math.Min(centers.Length, widths.Length); i++)
        {
            if (double.TryParse(centers[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double center)
                && double.TryParse(widths[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double width)
                && double.IsFinite(center) && double.IsFinite(width)
                && (function == VoiFunction.Linear ? width >= 1 : width > 0))
            {
                windows.Add(new VoiWindow(center, width, function));
            }
        }

        return windows;
    }
}
