namespace Portico.Imaging;

/// <summary>
/// What tells the marker streams of <see cref="JpegLosslessDecoder"/> (ITU-T T.81 Annex H),
/// <see cref="JpegDctDecoder"/> (T.81 Annexes F and G) and <see cref="JpegLsDecoder"/> (ITU-T T.87) apart for
/// <see cref="JpegSegments"/> and <see cref="JpegFrameHeader"/>: the names their messages use, which codes after 0xFF
/// are markers, how long a DRI may be, and the checks of a frame header that differ.
/// </summary>
/// <param name="name">The format's name in messages: "JPEG Lossless" or "JPEG-LS".</param>
/// <param name="frameMarker">The start of frame marker's name: "SOF3" or "SOF55".</param>
/// <param name="standard">The standard the messages cite: "T.81" or "T.87".</param>
/// <param name="precisionRule">What allows 2 to 16 bits of precision, in messages: "Process 14" or "JPEG-LS".</param>
/// <param name="lowestMarker">
/// The least code after 0xFF that is a marker, TEM (01) aside: 01 in T.81, where only FF 00 is entropy-coded data; 80
/// in T.87, where 0xFF followed by a byte with its high bit clear is data (T.87 §A.1).
/// </param>
/// <param name="longRestartIntervals">Whether a DRI may hold 3 or 4 bytes of interval as well as 2 (T.87 §C.2.5).</param>
internal abstract class JpegFormat(string name, string frameMarker, string standard, string precisionRule, byte lowestMarker, bool longRestartIntervals)
{
    public string Name { get; } = name;

    public string FrameMarker { get; } = frameMarker;

    public string Standard { get; } = standard;

    public string PrecisionRule { get; } = precisionRule;

    public byte LowestMarker { get; } = lowestMarker;

    public bool LongRestartIntervals { get; } = longRestartIntervals;

    /// <summary>Whether the components of a colour frame may have sampling factors other than 1 × 1 (DCT processes).</summary>
    public virtual bool Subsampling => false;

    /// <summary>Refuses a frame header's <paramref name="precision"/>: 2 to 16 bits unless the format says otherwise.</summary>
    public virtual void CheckPrecision(int precision)
    {
        if (precision is < 2 or > 16)
        {
            throw new RenderingException($"The {Name} frame has samples of {precision} bits; {PrecisionRule} allows 2 to 16.");
        }
    }

    /// <summary>Refuses a frame header's <paramref name="rows"/> or <paramref name="columns"/> of 0.</summary>
    public abstract void CheckDimensions(int rows, int columns);

    /// <summary>Refuses a frame header that claims more samples than a stream of <paramref name="frameLength"/> bytes can hold.</summary>
    public abstract void CheckStreamLength(int rows, int columns, int count, int frameLength);
}
