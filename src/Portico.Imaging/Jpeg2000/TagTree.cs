namespace Portico.Imaging.Jpeg2000;

/// <summary>
/// A tag tree (T.800 §B.10.2): a value per leaf of a <c>width × height</c> grid, coded from the root down, each node
/// the minimum of its children. Decoding learns for a leaf whether its value is below a threshold, and raises a node's
/// known lower bound bit by bit.
/// </summary>
internal sealed class TagTree
{
    private readonly int[] _values;
    private readonly int[] _lows;
    private readonly int[] _parents;
    private readonly int[] _path = new int[32];

    public TagTree(int width, int height)
    {
        int count = 0;
        for (int w = width, h = height; ; w = (w + 1) >> 1, h = (h + 1) >> 1)
        {
            count += w * h;
            if (w * h <= 1)
            {
                break;
            }
        }

        _values = new int[count];
        _lows = new int[count];
        _parents = new int[count];
        Array.Fill(_values, int.MaxValue);

        // Levels one after another from the leaves; each node's parent is in the next level.
        int start = 0;
        for (int w = width, h = height; w * h > 1; w = (w + 1) >> 1, h = (h + 1) >> 1)
        {
            int next = start + (w * h), parentWidth = (w + 1) >> 1;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    _parents[start + (y * w) + x] = next + ((y >> 1) * parentWidth) + (x >> 1);
                }
            }

            start = next;
        }

        _parents[count - 1] = -1;
    }

    /// <summary>Whether leaf <paramref name="leaf"/>'s value is below <paramref name="threshold"/>, reading the bits it takes.</summary>
    public bool Decode(ref PacketHeaderReader bits, int leaf, int threshold)
    {
        int depth = 0;
        for (int node = leaf; node >= 0; node = _parents[node])
        {
            _path[depth++] = node;
        }

        int low = 0;
        for (int k = depth - 1; k >= 0; k--)
        {
            int node = _path[k];
            if (low > _lows[node])
            {
                _lows[node] = low;
            }
            else
            {
                low = _lows[node];
            }

            while (low < threshold && low < _values[node])
            {
                if (bits.ReadBit() != 0)
                {
                    _values[node] = low;
                }
                else
                {
                    low++;
                }
            }

            _lows[node] = low;
        }

        return _values[leaf] < threshold;
    }

    /// <summary>The value of leaf <paramref name="leaf"/>, decoded to the end; more than <paramref name="most"/> is malformed.</summary>
    public int DecodeValue(ref PacketHeaderReader bits, int leaf, int most)
    {
        for (int threshold = 1; threshold <= most + 1; threshold++)
        {
            if (Decode(ref bits, leaf, threshold))
            {
                return _values[leaf];
            }
        }

        throw new RenderingException($"A packet header of the JPEG 2000 codestream codes more than {most} missing bit-planes for a code-block: it is corrupt.");
    }
}
