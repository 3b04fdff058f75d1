namespace Portico.Benchmarks.IndexSeeding;

/// <summary>Picks one of a fixed set of values with given relative weights (cumulative table, binary search).</summary>
internal sealed class WeightedChoice<T>
{
    private readonly T[] _values;
    private readonly double[] _cumulative;

    public WeightedChoice(params (T Value, double Weight)[] choices)
    {
        ArgumentOutOfRangeException.ThrowIfZero(choices.Length);
        _values = new T[choices.Length];
        _cumulative = new double[choices.Length];
        double total = 0;
        for (int i = 0; i < choices.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(choices[i].Weight);
            total += choices[i].Weight;
            _values[i] = choices[i].Value;
            _cumulative[i] = total;
        }
    }

    public IReadOnlyList<T> Values => _values;

    public T Next(Random random)
    {
        double x = random.NextDouble() * _cumulative[^1];
        int index = Array.BinarySearch(_cumulative, x);
        return _values[index < 0 ? Math.Min(~index, _values.Length - 1) : Math.Min(index + 1, _values.Length - 1)];
    }
}
