using System.Buffers.Binary;

namespace Portico.Imaging.Jpeg2000;

/// <summary>
/// The headers of a JPEG 2000 codestream (T.800 Annex A) and where each tile's data lies: the image and tile size
/// (SIZ), the coding defaults of the main header (COD, COC, QCD, QCC, RGN, POC), packed packet headers (PPM, PPT) and,
/// per tile, the bodies of its tile-parts (SOT … SOD … ) with the markers of their headers. TLM, PLM, PLT, CRG, COM and
/// markers this decoder does not know are skipped. Nothing is allocated by size before SIZ agrees with the layout.
/// </summary>
internal sealed class Codestream
{
    private const ushort Soc = 0xFF4F, Siz = 0xFF51, Cod = 0xFF52, Coc = 0xFF53, Qcd = 0xFF5C, Qcc = 0xFF5D, Rgn = 0xFF5E,
        Poc = 0xFF5F, Ppm = 0xFF60, Ppt = 0xFF61, Sot = 0xFF90, Sod = 0xFF93, Eoc = 0xFFD9;

    private readonly List<(int Index, int Start, int End)> _packedMain = [];
    private readonly List<int> _tilePartOrder = [];

    private Codestream(ComponentInfo[] components)
    {
        Components = components;
    }

    /// <summary>The image area on the reference grid: XOsiz, YOsiz (inclusive) to Xsiz, Ysiz (exclusive).</summary>
    public int X0 { get; private init; }

    public int Y0 { get; private init; }

    public int X1 { get; private init; }

    public int Y1 { get; private init; }

    public int TileWidth { get; private init; }

    public int TileHeight { get; private init; }

    public int TileX0 { get; private init; }

    public int TileY0 { get; private init; }

    public int TilesAcross { get; private init; }

    public int TilesDown { get; private init; }

    public ComponentInfo[] Components { get; }

    /// <summary>The main header's coding parameters.</summary>
    public CodingParameters Main { get; private set; } = null!;

    /// <summary>Per tile index: its tile-parts (null until one is seen).</summary>
    public TileParts?[] Tiles { get; private set; } = [];

    /// <summary>
    /// Reads <paramref name="codestream"/>'s headers and tile-parts and checks them against <paramref name="layout"/>:
    /// the image size, the components, their precision and sampling.
    /// </summary>
    public static Codestream Read(ReadOnlySpan<byte> codestream, PixelLayout layout)
    {
        if (codestream.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(codestream) != Soc)
        {
            throw new RenderingException("The frame is not a JPEG 2000 codestream: it does not start with an SOC marker (FF 4F) or a JP2 signature box.");
        }

        int end = EndOfCodestream(codestream);
        int position = 2;
        ReadOnlySpan<byte> siz = NextSegment(codestream, ref position, end, out ushort marker);
        if (marker != Siz)
        {
            throw new RenderingException($"The JPEG 2000 codestream has marker {marker:X4} where its SIZ marker segment (FF 51) belongs.");
        }

        Codestream stream = ReadSiz(siz, layout);
        stream.Main = new CodingParameters(stream.Components.Length);
        bool haveCod = false, haveQcd = false;
        while (true)
        {
            if (position + 2 > end)
            {
                throw new RenderingException("The JPEG 2000 codestream ends in its main header: it is truncated.");
            }

            marker = BinaryPrimitives.ReadUInt16BigEndian(codestream[position..]);
            if (marker == Sot)
            {
                break;
            }

            int segmentStart = position;
            ReadOnlySpan<byte> segment = NextSegment(codestream, ref position, end, out marker);
            if (marker == Ppm)
            {
                if (segment.Length < 1)
                {
                    throw new RenderingException("A PPM marker segment of the JPEG 2000 codestream is empty.");
                }

                stream._packedMain.Add((segment[0], segmentStart + 5, position));
                continue;
            }

            stream.ReadCodingMarker(marker, segment, stream.Main, "main header");
            haveCod |= marker == Cod;
            haveQcd |= marker == Qcd;
        }

        if (!haveCod || !haveQcd)
        {
            throw new RenderingException($"The main header of the JPEG 2000 codestream has no {(haveCod ? "QCD" : "COD")} marker segment.");
        }

        stream.Tiles = new TileParts?[stream.TilesAcross * stream.TilesDown];
        stream.ReadTileParts(codestream, position, end);
        stream.DistributePackedHeaders(codestream);
        return stream;
    }

    /// <summary>The coding parameters of tile <paramref name="index"/>: its own markers over the main header's (T.800 §A.6).</summary>
    public TileCoding CodingOf(int index)
    {
        CodingParameters? tile = Tiles[index]?.Parameters;
        int count = Components.Length;
        var styles = new CodingStyle[count];
        var quantizations = new Quantization[count];
        var roi = new int[count];
        for (int c = 0; c < count; c++)
        {
            styles[c] = tile?.ComponentStyles[c] ?? tile?.Style ?? Main.ComponentStyles[c] ?? Main.Style!;
            quantizations[c] = tile?.ComponentQuantizations[c] ?? tile?.Quantization ?? Main.ComponentQuantizations[c] ?? Main.Quantization!;
            roi[c] = tile?.RoiShifts[c] >= 0 ? tile.RoiShifts[c] : Math.Max(0, Main.RoiShifts[c]);
        }

        CodingParameters global = tile?.Style is not null ? tile : Main;
        List<ProgressionChange>? changes = tile?.ProgressionChanges ?? Main.ProgressionChanges;
        if (global.MultipleComponentTransform && count < 3)
        {
            throw new RenderingException($"The JPEG 2000 codestream asks for a multiple component transform with {count} component(s); it needs 3.");
        }

        return new TileCoding(styles, quantizations, roi, global.Sop, global.Eph, global.Order, global.Layers, global.MultipleComponentTransform, changes);
    }

    /// <summary>
    /// T.800 §A.2: a marker and its segment (length included in Lxxx, at least 2). The offset moves past it.
    /// </summary>
    private static ReadOnlySpan<byte> NextSegment(ReadOnlySpan<byte> data, ref int position, int end, out ushort marker)
    {
        if (position + 4 > end)
        {
            throw new RenderingException("The JPEG 2000 codestream ends inside a marker segment: it is truncated.");
        }

        marker = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
        if (marker < 0xFF00)
        {
            throw new RenderingException($"The JPEG 2000 codestream has bytes {marker:X4} at offset {position:N0} where a marker (FF xx) belongs.");
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
        if (length < 2 || position + 2 + length > end)
        {
            throw new RenderingException($"The marker segment {marker:X4} at offset {position:N0} of the JPEG 2000 codestream claims {length:N0} bytes; {end - position - 2:N0} are left.");
        }

        ReadOnlySpan<byte> segment = data.Slice(position + 4, length - 2);
        position += 2 + length;
        return segment;
    }

    /// <summary>The offset of the EOC marker that ends the codestream; bytes of 0 after it (padding to an even length) are allowed.</summary>
    private static int EndOfCodestream(ReadOnlySpan<byte> data)
    {
        int end = data.Length;
        while (end > 0 && data[end - 1] == 0 && data.Length - end < 8)
        {
            end--;
        }

        if (end < 4 || data[end - 2] != 0xFF || data[end - 1] != 0xD9)
        {
            throw new RenderingException("The JPEG 2000 codestream does not end with an EOC marker (FF D9): it is truncated.");
        }

        return end - 2;
    }

    /// <summary>T.800 §A.5.1: SIZ, checked against the layout before anything is allocated by its sizes.</summary>
    private static Codestream ReadSiz(ReadOnlySpan<byte> siz, PixelLayout layout)
    {
        if (siz.Length < 36)
        {
            throw new RenderingException($"The SIZ marker segment of the JPEG 2000 codestream has {siz.Length + 2} bytes; T.800 §A.5.1 needs at least 41.");
        }

        long x1 = BinaryPrimitives.ReadUInt32BigEndian(siz[2..]), y1 = BinaryPrimitives.ReadUInt32BigEndian(siz[6..]);
        long x0 = BinaryPrimitives.ReadUInt32BigEndian(siz[10..]), y0 = BinaryPrimitives.ReadUInt32BigEndian(siz[14..]);
        long tileWidth = BinaryPrimitives.ReadUInt32BigEndian(siz[18..]), tileHeight = BinaryPrimitives.ReadUInt32BigEndian(siz[22..]);
        long tileX0 = BinaryPrimitives.ReadUInt32BigEndian(siz[26..]), tileY0 = BinaryPrimitives.ReadUInt32BigEndian(siz[30..]);
        int count = BinaryPrimitives.ReadUInt16BigEndian(siz[34..]);
        if (x1 <= x0 || y1 <= y0)
        {
            throw new RenderingException($"The JPEG 2000 codestream's image is {Math.Max(0, x1 - x0):N0} × {Math.Max(0, y1 - y0):N0} pixels (SIZ): it is empty.");
        }

        if (x1 - x0 != layout.Columns || y1 - y0 != layout.Rows)
        {
            throw new RenderingException($"The JPEG 2000 codestream's image is {x1 - x0:N0} × {y1 - y0:N0} pixels; the data set says {layout.Columns} × {layout.Rows}.");
        }

        if (x1 > int.MaxValue / 2 || y1 > int.MaxValue / 2)
        {
            throw new RenderingException($"The JPEG 2000 codestream places its image at {x0:N0}, {y0:N0} on a reference grid of {x1:N0} × {y1:N0}, beyond what Portico supports (2^30).");
        }

        if (tileWidth == 0 || tileHeight == 0 || tileX0 > x0 || tileY0 > y0 || tileX0 + tileWidth <= x0 || tileY0 + tileHeight <= y0)
        {
            throw new RenderingException($"The JPEG 2000 codestream has tiles of {tileWidth:N0} × {tileHeight:N0} from {tileX0:N0}, {tileY0:N0} that do not cover its image from {x0:N0}, {y0:N0} as T.800 §B.3 requires.");
        }

        long across = (x1 - tileX0 + tileWidth - 1) / tileWidth, down = (y1 - tileY0 + tileHeight - 1) / tileHeight;
        if (across * down > 65_535)
        {
            throw new RenderingException($"The JPEG 2000 codestream has {across:N0} × {down:N0} tiles; T.800 allows at most 65,535.");
        }

        if (count < 1 || count > 16_384 || siz.Length != 36 + (3 * count))
        {
            throw new RenderingException($"The SIZ marker segment of the JPEG 2000 codestream has {siz.Length + 2} bytes for {count} components; T.800 §A.5.1 needs {38 + (3 * count)}.");
        }

        bool colourWithAlpha = layout.SamplesPerPixel == 3 && count == 4;
        if (count != layout.SamplesPerPixel && !colourWithAlpha)
        {
            throw new RenderingException($"The JPEG 2000 codestream has {count} component{(count == 1 ? "" : "s")}; the data set says {layout.SamplesPerPixel} sample{(layout.SamplesPerPixel == 1 ? "" : "s")} per pixel.");
        }

        var components = new ComponentInfo[count];
        for (int c = 0; c < count; c++)
        {
            int ssiz = siz[36 + (3 * c)], dx = siz[37 + (3 * c)], dy = siz[38 + (3 * c)];
            int precision = (ssiz & 0x7F) + 1;
            if (dx == 0 || dy == 0)
            {
                throw new RenderingException($"Component {c} of the JPEG 2000 codestream has sampling {dx} × {dy} (SIZ); T.800 needs 1 to 255.");
            }

            if (c < layout.SamplesPerPixel)
            {
                if (precision > 16)
                {
                    throw new RenderingException($"Component {c} of the JPEG 2000 codestream has samples of {precision} bits; Portico decodes up to 16.");
                }

                if (precision > layout.BitsAllocated)
                {
                    throw new RenderingException($"Component {c} of the JPEG 2000 codestream has samples of {precision} bits; Bits Allocated is {layout.BitsAllocated}.");
                }

                if (dx != 1 || dy != 1)
                {
                    throw new RenderingException($"Component {c} of the JPEG 2000 codestream is subsampled {dx} × {dy} (SIZ), which Portico does not support.");
                }
            }

            components[c] = new ComponentInfo(precision, (ssiz & 0x80) != 0, dx, dy);
        }

        return new Codestream(components)
        {
            X0 = (int)x0,
            Y0 = (int)y0,
            X1 = (int)x1,
            Y1 = (int)y1,
            TileWidth = (int)Math.Min(tileWidth, int.MaxValue / 2),
            TileHeight = (int)Math.Min(tileHeight, int.MaxValue / 2),
            TileX0 = (int)tileX0,
            TileY0 = (int)tileY0,
            TilesAcross = (int)across,
            TilesDown = (int)down,
        };
    }

    /// <summary>COD, COC, QCD, QCC, RGN, POC (main or tile-part header); other markers with a segment are skipped.</summary>
    private void ReadCodingMarker(ushort marker, ReadOnlySpan<byte> segment, CodingParameters parameters, string where)
    {
        int componentBytes = Components.Length < 257 ? 1 : 2;
        switch (marker)
        {
            case Cod:
                if (segment.Length < 5)
                {
                    throw new RenderingException($"The COD marker segment in the {where} of the JPEG 2000 codestream is too short ({segment.Length + 2} bytes).");
                }

                if (segment[1] > 4)
                {
                    throw new RenderingException($"The COD marker segment of the JPEG 2000 codestream has progression order {segment[1]}; T.800 Table A.16 defines 0 to 4.");
                }

                parameters.Style = CodingStyle.Read(segment, 5, (segment[0] & 1) != 0, "COD");
                parameters.Sop = (segment[0] & 2) != 0;
                parameters.Eph = (segment[0] & 4) != 0;
                parameters.Order = (ProgressionOrder)segment[1];
                parameters.Layers = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
                parameters.MultipleComponentTransform = segment[4] switch
                {
                    0 => false,
                    1 => true,
                    _ => throw new RenderingException($"The COD marker segment of the JPEG 2000 codestream has multiple component transformation {segment[4]}; Part 1 defines 0 and 1."),
                };
                if (parameters.Layers == 0)
                {
                    throw new RenderingException("The COD marker segment of the JPEG 2000 codestream has 0 quality layers.");
                }

                break;
            case Coc:
            {
                int c = ComponentIndex(segment, componentBytes, "COC");
                if (segment.Length < componentBytes + 1)
                {
                    throw new RenderingException("The COC marker segment of the JPEG 2000 codestream is too short.");
                }

                parameters.ComponentStyles[c] = CodingStyle.Read(segment, componentBytes + 1, (segment[componentBytes] & 1) != 0, "COC");
                break;
            }

            case Qcd:
                parameters.Quantization = Quantization.Read(segment, 0, "QCD");
                break;
            case Qcc:
            {
                int c = ComponentIndex(segment, componentBytes, "QCC");
                parameters.ComponentQuantizations[c] = Quantization.Read(segment, componentBytes, "QCC");
                break;
            }

            case Rgn:
            {
                int c = ComponentIndex(segment, componentBytes, "RGN");
                if (segment.Length != componentBytes + 2 || segment[componentBytes] != 0)
                {
                    throw new RenderingException("The RGN marker segment of the JPEG 2000 codestream is malformed or uses a region of interest style other than 0 (max-shift).");
                }

                parameters.RoiShifts[c] = segment[componentBytes + 1];
                break;
            }

            case Poc:
                parameters.ProgressionChanges = ReadPoc(segment, componentBytes, parameters.ProgressionChanges);
                break;
            case Sod or Sot or Soc or Siz:
                throw new RenderingException($"The JPEG 2000 codestream has marker {marker:X4} in its {where}, where it does not belong.");
            default:
                // TLM, PLM, PLT, CRG, COM, CAP, CPF and markers this decoder does not know: nothing needed.
                break;
        }
    }

    private int ComponentIndex(ReadOnlySpan<byte> segment, int componentBytes, string name)
    {
        if (segment.Length < componentBytes)
        {
            throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream is too short.");
        }

        int c = componentBytes == 1 ? segment[0] : BinaryPrimitives.ReadUInt16BigEndian(segment);
        if (c >= Components.Length)
        {
            throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream is for component {c}; the image has {Components.Length}.");
        }

        return c;
    }

    /// <summary>T.800 §A.6.6: progression order changes, appended to those of an earlier POC of the same header.</summary>
    private List<ProgressionChange> ReadPoc(ReadOnlySpan<byte> segment, int componentBytes, List<ProgressionChange>? earlier)
    {
        int size = 5 + (2 * componentBytes);
        if (segment.Length == 0 || segment.Length % size != 0)
        {
            throw new RenderingException($"The POC marker segment of the JPEG 2000 codestream has {segment.Length + 2} bytes, which is not a whole number of progression changes.");
        }

        var changes = earlier ?? [];
        for (int offset = 0; offset < segment.Length; offset += size)
        {
            ReadOnlySpan<byte> entry = segment.Slice(offset, size);
            int resolutionStart = entry[0];
            int componentStart = componentBytes == 1 ? entry[1] : BinaryPrimitives.ReadUInt16BigEndian(entry[1..]);
            int layerEnd = BinaryPrimitives.ReadUInt16BigEndian(entry[(1 + componentBytes)..]);
            int resolutionEnd = entry[3 + componentBytes];
            int componentEnd = componentBytes == 1 ? entry[4 + componentBytes] : BinaryPrimitives.ReadUInt16BigEndian(entry[(4 + componentBytes)..]);
            int order = entry[4 + (2 * componentBytes)];
            if (componentEnd == 0)
            {
                componentEnd = componentBytes == 1 ? 256 : 16_384;
            }

            if (order > 4)
            {
                throw new RenderingException($"The POC marker segment of the JPEG 2000 codestream has progression order {order}; T.800 Table A.16 defines 0 to 4.");
            }

            changes.Add(new ProgressionChange(resolutionStart, componentStart, layerEnd, Math.Min(resolutionEnd, 33), Math.Min(componentEnd, Components.Length), (ProgressionOrder)order));
        }

        return changes;
    }

    /// <summary>T.800 §A.4: tile-parts, each SOT, its header's markers, SOD and its data, up to EOC.</summary>
    private void ReadTileParts(ReadOnlySpan<byte> data, int position, int end)
    {
        while (position < end)
        {
            int start = position;
            ReadOnlySpan<byte> sot = NextSegment(data, ref position, end, out ushort marker);
            if (marker != Sot)
            {
                throw new RenderingException($"The JPEG 2000 codestream has marker {marker:X4} at offset {start:N0}, where a tile-part (SOT) or the end (EOC) belongs.");
            }

            if (sot.Length != 8)
            {
                throw new RenderingException($"The SOT marker segment at offset {start:N0} of the JPEG 2000 codestream has {sot.Length + 2} bytes; T.800 §A.4.2 has 10.");
            }

            int index = BinaryPrimitives.ReadUInt16BigEndian(sot);
            long length = BinaryPrimitives.ReadUInt32BigEndian(sot[2..]);
            if (index >= Tiles.Length)
            {
                throw new RenderingException($"A tile-part of the JPEG 2000 codestream is for tile {index}; the image has {Tiles.Length} tiles.");
            }

            int partEnd = length == 0 ? end : start + length <= end ? (int)(start + length) : throw new RenderingException($"Tile-part {sot[6]} of tile {index} of the JPEG 2000 codestream claims {length:N0} bytes; {end - start:N0} are left: it is truncated.");
            TileParts tile = Tiles[index] ??= new TileParts(Components.Length);
            tile.Count++;
            _tilePartOrder.Add(index);
            while (true)
            {
                if (position + 2 > partEnd)
                {
                    throw new RenderingException($"The header of a tile-part of tile {index} of the JPEG 2000 codestream has no SOD marker.");
                }

                if (BinaryPrimitives.ReadUInt16BigEndian(data[position..]) == Sod)
                {
                    position += 2;
                    break;
                }

                int segmentStart = position;
                ReadOnlySpan<byte> segment = NextSegment(data, ref position, partEnd, out marker);
                if (marker == Ppt)
                {
                    if (segment.Length < 1)
                    {
                        throw new RenderingException("A PPT marker segment of the JPEG 2000 codestream is empty.");
                    }

                    tile.PacketHeaders.Add((segmentStart + 5, position));
                    continue;
                }

                ReadCodingMarker(marker, segment, tile.Parameters, "tile-part header");
            }

            tile.Bodies.Add((position, partEnd));
            position = partEnd;
        }

        for (int t = 0; t < Tiles.Length; t++)
        {
            if (Tiles[t] is null)
            {
                throw new RenderingException($"The JPEG 2000 codestream has no data for tile {t} of {Tiles.Length}: it is truncated or incomplete.");
            }
        }
    }

    /// <summary>T.800 §A.7.4: PPM's packet headers, an Nppm-long part for each tile-part in codestream order.</summary>
    private void DistributePackedHeaders(ReadOnlySpan<byte> data)
    {
        if (_packedMain.Count == 0)
        {
            return;
        }

        _packedMain.Sort((a, b) => a.Index.CompareTo(b.Index));
        int total = 0;
        foreach ((_, int start, int end) in _packedMain)
        {
            total += end - start;
        }

        var joined = new byte[total];
        int at = 0;
        foreach ((_, int start, int end) in _packedMain)
        {
            data[start..end].CopyTo(joined.AsSpan(at));
            at += end - start;
        }

        PackedMain = joined;
        int position = 0;
        foreach (int index in _tilePartOrder)
        {
            TileParts tile = Tiles[index]!;
            if (tile.PacketHeaders.Count > 0)
            {
                throw new RenderingException($"Tile {index} of the JPEG 2000 codestream has packed packet headers both in the main header (PPM) and its own (PPT).");
            }

            if (position + 4 > joined.Length)
            {
                throw new RenderingException("The packed packet headers (PPM) of the JPEG 2000 codestream end before the last tile-part's.");
            }

            long length = BinaryPrimitives.ReadUInt32BigEndian(joined.AsSpan(position));
            if (length > joined.Length - position - 4)
            {
                throw new RenderingException($"The packed packet headers (PPM) of the JPEG 2000 codestream claim {length:N0} bytes for a tile-part; {joined.Length - position - 4:N0} are left.");
            }

            tile.PackedMainParts.Add((position + 4, position + 4 + (int)length));
            position += 4 + (int)length;
        }
    }

    /// <summary>The PPM segments' data, joined (null without PPM).</summary>
    public byte[]? PackedMain { get; private set; }
}

/// <summary>One component as SIZ describes it: precision in bits (1 to 38), signed, and sampling on the reference grid.</summary>
internal readonly record struct ComponentInfo(int Precision, bool Signed, int SamplingX, int SamplingY);

/// <summary>The coding markers of one header (main or tile), each null (or -1) where that header has none.</summary>
internal sealed class CodingParameters(int components)
{
    public CodingStyle? Style { get; set; }

    public bool Sop { get; set; }

    public bool Eph { get; set; }

    public ProgressionOrder Order { get; set; }

    public int Layers { get; set; } = 1;

    public bool MultipleComponentTransform { get; set; }

    public CodingStyle?[] ComponentStyles { get; } = new CodingStyle?[components];

    public Quantization? Quantization { get; set; }

    public Quantization?[] ComponentQuantizations { get; } = new Quantization?[components];

    public int[] RoiShifts { get; } = Enumerable.Repeat(-1, components).ToArray();

    public List<ProgressionChange>? ProgressionChanges { get; set; }
}

/// <summary>A tile's tile-parts: the ranges of the codestream holding their data and packed headers, and their markers.</summary>
internal sealed class TileParts(int components)
{
    public int Count { get; set; }

    public CodingParameters Parameters { get; } = new(components);

    /// <summary>The bodies (after SOD) of the tile-parts, in codestream order.</summary>
    public List<(int Start, int End)> Bodies { get; } = [];

    /// <summary>PPT data, ranges of the codestream.</summary>
    public List<(int Start, int End)> PacketHeaders { get; } = [];

    /// <summary>PPM data for this tile, ranges of <see cref="Codestream.PackedMain"/>.</summary>
    public List<(int Start, int End)> PackedMainParts { get; } = [];
}

/// <summary>The coding parameters in force for one tile, per component where they may differ.</summary>
internal sealed record TileCoding(
    CodingStyle[] Styles,
    Quantization[] Quantizations,
    int[] RoiShifts,
    bool Sop,
    bool Eph,
    ProgressionOrder Order,
    int Layers,
    bool MultipleComponentTransform,
    List<ProgressionChange>? ProgressionChanges);
