using System.Buffers;

namespace Portico.Imaging.Jpeg2000;

/// <summary>
/// Decodes the tiles of a codestream into the frame: tier 2 (packets in the tile's progression, T.800 Annex B), tier 1
/// (code-blocks, Annex D), dequantisation (Annex E), the inverse wavelet transform (Annex F), the inverse component
/// transform and DC level shift (Annex G), then the samples into the layout's bits allocated.
/// </summary>
internal sealed class TileDecoder(Codestream stream, PixelLayout layout, byte[] output)
{
    private readonly CodeBlockDecoder _blocks = new();
    private readonly List<(CodeBlock Block, int Length)> _included = [];
    private byte[] _scratch = new byte[8192];
    private byte[] _body = [];
    private int _bodyEnd;

    public void DecodeAll(ReadOnlySpan<byte> codestream)
    {
        for (int t = 0; t < stream.Tiles.Length; t++)
        {
            DecodeTile(t, codestream);
        }
    }

    private void DecodeTile(int index, ReadOnlySpan<byte> codestream)
    {
        TileParts parts = stream.Tiles[index]!;
        TileCoding coding = stream.CodingOf(index);
        int p = index % stream.TilesAcross, q = index / stream.TilesAcross;
        int tx0 = Math.Max(stream.TileX0 + (int)Math.Min((long)p * stream.TileWidth, int.MaxValue / 2), stream.X0);
        int ty0 = Math.Max(stream.TileY0 + (int)Math.Min((long)q * stream.TileHeight, int.MaxValue / 2), stream.Y0);
        int tx1 = (int)Math.Min(stream.TileX0 + ((long)(p + 1) * stream.TileWidth), stream.X1);
        int ty1 = (int)Math.Min(stream.TileY0 + ((long)(q + 1) * stream.TileHeight), stream.Y1);

        int count = stream.Components.Length;
        var components = new TileComponent[count];
        long packets = 0;
        for (int c = 0; c < count; c++)
        {
            ComponentInfo info = stream.Components[c];
            components[c] = new TileComponent(
                CeilDiv(tx0, info.SamplingX),
                CeilDiv(ty0, info.SamplingY), CeilDiv(tx1, info.SamplingX), CeilDiv(ty1, info.SamplingY),
                info, coding.Styles[c], coding.Quantizations[c], coding.RoiShifts[c]);
            packets += components[c].PrecinctCount() * coding.Layers;
        }

        // Every packet takes at least one bit of header (T.800 §B.10.3), so a tile cannot have more than 8 a byte.
        int bodyLength = 0, headerLength = 0;
        foreach ((int start, int end) in parts.Bodies)
        {
            bodyLength += end - start;
        }

        foreach ((int start, int end) in parts.PacketHeaders)
        {
            headerLength += end - start;
        }

        foreach ((int start, int end) in parts.PackedMainParts)
        {
            headerLength += end - start;
        }

        if (packets > 8L * (bodyLength + headerLength))
        {
            throw new RenderingException($"Tile {index} of the JPEG 2000 codestream would have {packets:N0} packets (layers × precincts) in {bodyLength + headerLength:N0} bytes: its header lies or it is truncated.");
        }

        foreach (TileComponent component in components)
        {
            foreach (Resolution resolution in component.Resolutions)
            {
                int precincts = resolution.PrecinctsAcross * resolution.PrecinctsDown;
                resolution.Precincts = new Precinct?[precincts];
                resolution.NextLayer = new int[precincts];
            }
        }

        byte[] body = ArrayPool<byte>.Shared.Rent(Math.Max(1, bodyLength));
        byte[]? headers = null;
        try
        {
            int at = 0;
            foreach ((int start, int end) in parts.Bodies)
            {
                codestream[start..end].CopyTo(body.AsSpan(at));
                at += end - start;
            }

            _body = body;
            _bodyEnd = bodyLength;
            PacketHeaderReader? packed = null;
            if (headerLength > 0)
            {
                headers = new byte[headerLength];
                at = 0;
                foreach ((int start, int end) in parts.PacketHeaders)
                {
                    codestream[start..end].CopyTo(headers.AsSpan(at));
                    at += end - start;
                }

                foreach ((int start, int end) in parts.PackedMainParts)
                {
                    stream.PackedMain.AsSpan(start, end - start).CopyTo(headers.AsSpan(at));
                    at += end - start;
                }

                packed = new PacketHeaderReader(headers, 0, headerLength);
            }

            ReadPackets(components, coding, packed, index);
            Reconstruct(components, coding, tx0, ty0, tx1, ty1);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
            _body = [];
        }
    }

    private static int CeilDiv(int value, int divisor) => (int)(((long)value + divisor - 1) / divisor);

    /// <summary>T.800 §B.12: the packets of the tile, volume by volume (POC) in each one's progression order.</summary>
    private void ReadPackets(TileComponent[] components, TileCoding coding, PacketHeaderReader? packed, int tile)
    {
        int mostResolutions = 0;
        foreach (TileComponent component in components)
        {
            mostResolutions = Math.Max(mostResolutions, component.Resolutions.Length);
        }

        List<ProgressionChange> volumes = coding.ProgressionChanges
            ?? [new ProgressionChange(0, 0, coding.Layers, mostResolutions, components.Length, coding.Order)];
        // Volumes may overlap (packets already read are skipped), but not so much that walking them would take long.
        long steps = 0, packets = 0;
        foreach (TileComponent component in components)
        {
            packets += component.PrecinctCount() * coding.Layers;
        }

        foreach (ProgressionChange volume in volumes)
        {
            for (int c = volume.ComponentStart; c < Math.Min(volume.ComponentEnd, components.Length); c++)
            {
                Resolution[] resolutions = components[c].Resolutions;
                for (int r = volume.ResolutionStart; r < Math.Min(volume.ResolutionEnd, resolutions.Length); r++)
                {
                    steps += (long)resolutions[r].Precincts.Length * Math.Min(volume.LayerEnd, coding.Layers);
                }
            }
        }

        if (steps > (4 * packets) + 65_536)
        {
            throw new RenderingException($"The progression order changes (POC) of tile {tile} of the JPEG 2000 codestream go over its {packets:N0} packets {steps:N0} times: they are corrupt.");
        }

        var state = new PacketState { Body = 0, Packed = packed };
        foreach (ProgressionChange volume in volumes)
        {
            int layers = Math.Min(volume.LayerEnd, coding.Layers);
            int r0 = volume.ResolutionStart, r1 = Math.Min(volume.ResolutionEnd, mostResolutions);
            int c0 = volume.ComponentStart, c1 = Math.Min(volume.ComponentEnd, components.Length);
            if (r0 >= r1 || c0 >= c1 || layers <= 0)
            {
                continue;
            }

            switch (volume.Order)
            {
                case ProgressionOrder.LayerResolutionComponentPosition:
                    for (int l = 0; l < layers; l++)
                    {
                        for (int r = r0; r < r1; r++)
                        {
                            for (int c = c0; c < c1; c++)
                            {
                                AllPrecincts(c, r, l);
                            }
                        }
                    }

                    break;
                case ProgressionOrder.ResolutionLayerComponentPosition:
                    for (int r = r0; r < r1; r++)
                    {
                        for (int l = 0; l < layers; l++)
                        {
                            for (int c = c0; c < c1; c++)
                            {
                                AllPrecincts(c, r, l);
                            }
                        }
                    }

                    break;
                default:
                    foreach (PrecinctPosition position in Positions(components, volume.Order, r0, r1, c0, c1))
                    {
                        for (int l = 0; l < layers; l++)
                        {
                            ReadPacket(components[position.Component], position.Resolution, position.Precinct, l, coding, ref state, tile);
                        }
                    }

                    break;
            }
        }

        void AllPrecincts(int c, int r, int l)
        {
            if (r >= components[c].Resolutions.Length)
            {
                return;
            }

            Resolution resolution = components[c].Resolutions[r];
            for (int k = 0; k < resolution.Precincts.Length; k++)
            {
                ReadPacket(components[c], r, k, l, coding, ref state, tile);
            }
        }
    }

    /// <summary>
    /// T.800 §B.12.1.3 to §B.12.1.5: the precincts of the position-driven orders, each at the point of the reference
    /// grid where the standard's loops over y and x reach it (its top-left corner, or the tile's edge for one that
    /// starts before it), sorted as the order nests its loops.
    /// </summary>
    private static List<PrecinctPosition> Positions(TileComponent[] components, ProgressionOrder order, int r0, int r1, int c0, int c1)
    {
        var positions = new List<PrecinctPosition>();
        for (int c = c0; c < c1; c++)
        {
            TileComponent component = components[c];
            long tileX0 = (long)component.X0 * component.Info.SamplingX, tileY0 = (long)component.Y0 * component.Info.SamplingY;
            for (int r = r0; r < Math.Min(r1, component.Resolutions.Length); r++)
            {
                Resolution resolution = component.Resolutions[r];
                int levelShift = component.Resolutions.Length - 1 - r;
                for (int k = 0; k < resolution.Precincts.Length; k++)
                {
                    long px = (long)(resolution.FirstPrecinctX + (k % resolution.PrecinctsAcross)) << (resolution.PrecinctExponentX + levelShift);
                    long py = (long)(resolution.FirstPrecinctY + (k / resolution.PrecinctsAcross)) << (resolution.PrecinctExponentY + levelShift);
                    px = Math.Max(px * component.Info.SamplingX, tileX0);
                    py = Math.Max(py * component.Info.SamplingY, tileY0);
                    positions.Add(new PrecinctPosition(c, r, k, px, py));
                }
            }
        }

        Comparison<PrecinctPosition> comparison = order switch
        {
            ProgressionOrder.ResolutionPositionComponentLayer => static (a, b) =>
                a.Resolution != b.Resolution ? a.Resolution.CompareTo(b.Resolution)
                : a.Y != b.Y ? a.Y.CompareTo(b.Y)
                : a.X != b.X ? a.X.CompareTo(b.X)
                : a.Component.CompareTo(b.Component),
            ProgressionOrder.PositionComponentResolutionLayer => static (a, b) =>
                a.Y != b.Y ? a.Y.CompareTo(b.Y)
                : a.X != b.X ? a.X.CompareTo(b.X)
                : a.Component != b.Component ? a.Component.CompareTo(b.Component)
                : a.Resolution.CompareTo(b.Resolution),
            _ => static (a, b) =>
                a.Component != b.Component ? a.Component.CompareTo(b.Component)
                : a.Y != b.Y ? a.Y.CompareTo(b.Y)
                : a.X != b.X ? a.X.CompareTo(b.X)
                : a.Resolution.CompareTo(b.Resolution),
        };
        positions.Sort(comparison);
        return positions;
    }

    /// <summary>T.800 §B.10: one packet's header, then its body's data, assigned to the code-blocks it includes.</summary>
    private void ReadPacket(TileComponent component, int r, int k, int layer, TileCoding coding, ref PacketState state, int tile)
    {
        Resolution resolution = component.Resolutions[r];
        if (resolution.NextLayer[k] != layer)
        {
            return;
        }

        resolution.NextLayer[k]++;
        Precinct precinct = resolution.Precincts[k] ??= CreatePrecinct(resolution, k);
        if (coding.Sop)
        {
            // T.800 §A.8.1: SOP, Lsop (4) and Nsop before the packet, in the tile's data.
            var body = new PacketHeaderReader(_body, state.Body, _bodyEnd);
            if (body.Skip(0x91))
            {
                state.Body = Math.Min(body.Position + 4, _bodyEnd);
            }
        }

        PacketHeaderReader bits = state.Packed ?? new PacketHeaderReader(_body, state.Body, _bodyEnd);
        _included.Clear();
        if (bits.ReadBit() != 0)
        {
            foreach (PrecinctBand part in precinct.Bands)
            {
                for (int i = 0; i < part.Blocks.Length; i++)
                {
                    ReadBlockHeader(part, i, layer, ref bits, component.Style.CodeBlockStyle);
                }
            }
        }

        bits.Align();
        if (coding.Eph)
        {
            bits.Skip(0x92);
        }

        if (bits.Overrun)
        {
            throw new RenderingException($"The packet headers of tile {tile} of the JPEG 2000 codestream end too soon: it is truncated or corrupt.");
        }

        int position;
        if (state.Packed is not null)
        {
            state.Packed = bits;
            position = state.Body;
        }
        else
        {
            position = bits.Position;
        }

        foreach ((CodeBlock block, int length) in _included)
        {
            if (length > _bodyEnd - position)
            {
                throw new RenderingException($"A packet of tile {tile} of the JPEG 2000 codestream claims {length:N0} bytes for a code-block; {Math.Max(0, _bodyEnd - position):N0} are left: it is truncated or corrupt.");
            }

            if (length > 0)
            {
                block.Chunks.Add((position, length));
                block.DataLength += length;
                position += length;
            }
        }

        state.Body = position;
    }

    /// <summary>T.800 §B.10.4 to §B.10.7: a code-block's inclusion, missing bit-planes, passes and segment lengths.</summary>
    private void ReadBlockHeader(PrecinctBand part, int i, int layer, ref PacketHeaderReader bits, int style)
    {
        CodeBlock? block = part.Blocks[i];
        bool included = block is { Included: true }
            ? bits.ReadBit() != 0
            : part.Inclusion!.Decode(ref bits, i, layer + 1);
        if (!included)
        {
            return;
        }

        if (block is null || !block.Included)
        {
            block ??= part.Blocks[i] = part.CreateBlock(i);
            block.ZeroBitPlanes = part.ZeroBitPlanes!.DecodeValue(ref bits, i, part.Band.BitPlanes);
            block.Included = true;
        }

        // T.800 Table B.4: the number of coding passes.
        int passes;
        if (bits.ReadBit() == 0)
        {
            passes = 1;
        }
        else if (bits.ReadBit() == 0)
        {
            passes = 2;
        }
        else
        {
            passes = bits.ReadBits(2);
            if (passes < 3)
            {
                passes += 3;
            }
            else
            {
                passes = bits.ReadBits(5);
                passes = passes < 31 ? passes + 6 : bits.ReadBits(7) + 37;
            }
        }

        // T.800 §B.10.7.1: Lblock rises by the number of 1 bits before a 0.
        while (bits.ReadBit() != 0)
        {
            if (++block.LengthBits > 28 || bits.Overrun)
            {
                throw new RenderingException("A packet header of the JPEG 2000 codestream raises a code-block's length bits (Lblock) beyond reason: it is corrupt.");
            }
        }

        int total = 0;
        List<CodeBlockSegment> segments = block.Segments;
        while (passes > 0)
        {
            int last = segments.Count - 1;
            bool open = last >= 0 && segments[last].Passes < segments[last].MostPasses;
            int room = open ? segments[last].MostPasses - segments[last].Passes : SegmentPasses(block.Passes, style);
            int taken = Math.Min(room, passes);
            int lengthBits = block.LengthBits + Log2(taken);
            if (lengthBits > 31)
            {
                throw new RenderingException("A packet header of the JPEG 2000 codestream codes a code-block's length in more than 31 bits: it is corrupt.");
            }

            int length = bits.ReadBits(lengthBits);
            if (open)
            {
                segments[last] = segments[last] with { Length = segments[last].Length + length, Passes = segments[last].Passes + taken };
            }
            else
            {
                segments.Add(new CodeBlockSegment(length, taken, room));
            }

            if (segments.Count > 4096)
            {
                throw new RenderingException("A code-block of the JPEG 2000 codestream has more codeword segments than any code-block can have: it is corrupt.");
            }

            block.Passes += taken;
            passes -= taken;
            total += length;
            if (total < 0 || total > _bodyEnd)
            {
                throw new RenderingException("A packet header of the JPEG 2000 codestream gives a code-block more bytes than its tile holds: it is corrupt.");
            }
        }

        _included.Add((block, total));
    }

    /// <summary>
    /// How many passes a codeword segment starting at pass <paramref name="first"/> holds (T.800 §D.4.1, Table D.9):
    /// one with termination of each pass; with bypass, the first 10 passes, then two raw passes and one MQ pass by turns.
    /// </summary>
    private static int SegmentPasses(int first, int style)
    {
        if ((style & CodingStyle.TerminateAll) != 0)
        {
            return 1;
        }

        if ((style & CodingStyle.Bypass) != 0)
        {
            return first < 10 ? 10 - first : (first - 10) % 3 == 0 ? 2 : 1;
        }

        return 1 << 20;
    }

    private static int Log2(int value) => 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)value);

    private static Precinct CreatePrecinct(Resolution resolution, int k)
    {
        int px = resolution.FirstPrecinctX + (k % resolution.PrecinctsAcross), py = resolution.FirstPrecinctY + (k / resolution.PrecinctsAcross);
        var parts = new PrecinctBand[resolution.Bands.Length];
        for (int b = 0; b < parts.Length; b++)
        {
            Band band = resolution.Bands[b];
            long x0 = (long)px << band.PrecinctExponentX, y0 = (long)py << band.PrecinctExponentY;
            long x1 = x0 + (1L << band.PrecinctExponentX), y1 = y0 + (1L << band.PrecinctExponentY);
            parts[b] = new PrecinctBand(
                band,
                (int)Math.Max(x0, band.X0),
                (int)Math.Max(y0, band.Y0),
                (int)Math.Min(x1, band.X1),
                (int)Math.Min(y1, band.Y1));
        }

        return new Precinct(parts);
    }

    /// <summary>Tier 1, dequantisation, inverse wavelet, component transform, level shift, and the samples into the frame.</summary>
    private void Reconstruct(TileComponent[] components, TileCoding coding, int tx0, int ty0, int tx1, int ty1)
    {
        int decoded = Math.Min(components.Length, layout.SamplesPerPixel);
        bool transform = coding.MultipleComponentTransform;
        bool reversible = components[0].Style.Reversible;
        if (transform && (components[1].Style.Reversible != reversible || components[2].Style.Reversible != reversible))
        {
            throw new RenderingException("The JPEG 2000 codestream applies a component transform to components coded with different wavelets.");
        }

        var integers = new int[decoded][];
        var floats = new float[decoded][];
        try
        {
            for (int c = 0; c < decoded; c++)
            {
                TileComponent component = components[c];
                int size = component.Width * component.Height;
                if (component.Style.Reversible)
                {
                    integers[c] = ArrayPool<int>.Shared.Rent(Math.Max(1, size));
                    Array.Clear(integers[c], 0, size);
                    DecodeBlocks(component, integers[c], null);
                    InverseWavelet.Reversible(component, integers[c]);
                }
                else
                {
                    floats[c] = ArrayPool<float>.Shared.Rent(Math.Max(1, size));
                    Array.Clear(floats[c], 0, size);
                    DecodeBlocks(component, null, floats[c]);
                    InverseWavelet.Irreversible(component, floats[c]);
                }
            }

            SampleWriter.Write(layout, output, components, integers, floats, transform && decoded >= 3, stream.X0, stream.Y0, tx0, ty0, tx1, ty1);
        }
        finally
        {
            for (int c = 0; c < decoded; c++)
            {
                if (integers[c] is not null)
                {
                    ArrayPool<int>.Shared.Return(integers[c]);
                }

                if (floats[c] is not null)
                {
                    ArrayPool<float>.Shared.Return(floats[c]);
                }
            }
        }
    }

    /// <summary>Decodes every included code-block of <paramref name="component"/> into its place in the buffer, dequantised.</summary>
    private void DecodeBlocks(TileComponent component, int[]? integers, float[]? floats)
    {
        int width = component.Width, roi = component.RoiShift, style = component.Style.CodeBlockStyle;
        foreach (Resolution resolution in component.Resolutions)
        {
            foreach (Precinct? precinct in resolution.Precincts)
            {
                if (precinct is null)
                {
                    continue;
                }

                foreach (PrecinctBand part in precinct.Bands)
                {
                    Band band = part.Band;
                    foreach (CodeBlock? block in part.Blocks)
                    {
                        if (block is null || block.Passes == 0 || block.Segments.Count == 0)
                        {
                            continue;
                        }

                        int planes = band.BitPlanes - block.ZeroBitPlanes;
                        if (planes <= 0)
                        {
                            continue;
                        }

                        byte[] data = Gather(block);
                        int w = block.X1 - block.X0, h = block.Y1 - block.Y0;
                        _blocks.Decode(data, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(block.Segments), w, h, band.Orientation, planes, style);
                        int[] values = _blocks.Coefficients;
                        int origin = ((band.BufferY + block.Y0 - band.Y0) * width) + band.BufferX + block.X0 - band.X0;
                        int threshold = roi > 0 ? 1 << roi : int.MaxValue;
                        for (int y = 0; y < h; y++)
                        {
                            int at = origin + (y * width);
                            ReadOnlySpan<int> row = values.AsSpan(y * w, w);
                            if (integers is not null)
                            {
                                Span<int> target = integers.AsSpan(at, w);
                                for (int x = 0; x < w; x++)
                                {
                                    int v = row[x];
                                    int magnitude = Math.Abs(v) >> 1;
                                    if (magnitude >= threshold)
                                    {
                                        magnitude >>= roi;
                                    }

                                    target[x] = v < 0 ? -magnitude : magnitude;
                                }
                            }
                            else
                            {
                                Span<float> target = floats.AsSpan(at, w);
                                float half = band.Step * 0.5f;
                                for (int x = 0; x < w; x++)
                                {
                                    int v = row[x];
                                    int doubled = Math.Abs(v);
                                    if ((doubled >> 1) >= threshold)
                                    {
                                        doubled >>= roi;
                                    }

                                    target[x] = (v < 0 ? -doubled : doubled) * half;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The code-block's chunks of data, one after another.</summary>
    private byte[] Gather(CodeBlock block)
    {
        if (_scratch.Length < block.DataLength)
        {
            _scratch = new byte[Math.Max(block.DataLength, _scratch.Length * 2)];
        }

        int at = 0;
        foreach ((int start, int length) in block.Chunks)
        {
            _body.AsSpan(start, length).CopyTo(_scratch.AsSpan(at));
            at += length;
        }

        // Segment lengths that add up to more than the chunks (a lying header) read 0xFF past the data's end.
        return _scratch;
    }

    private struct PacketState
    {
        public int Body;
        public PacketHeaderReader? Packed;
    }

    private readonly record struct PrecinctPosition(int Component, int Resolution, int Precinct, long X, long Y);
}
