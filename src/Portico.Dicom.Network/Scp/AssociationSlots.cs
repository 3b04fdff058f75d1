namespace Portico.Dicom.Network.Scp;

/// <summary>
/// How many associations may be served at once, shared by the servers given the same instance (Portico's plain and
/// TLS ports), so that the limit is the machine's and not each port's. Taken when an association is accepted, given
/// back when its connection closes.
/// </summary>
public sealed class AssociationSlots
{
    private int _inUse;

    public AssociationSlots(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    /// <summary>The most associations at once.</summary>
    public int Capacity { get; }

    /// <summary>Associations holding a slot now.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Takes a slot; false when all are in use.</summary>
    public bool TryTake()
    {
        if (Interlocked.Increment(ref _inUse) <= Capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref _inUse);
        return false;
    }

    /// <summary>Gives back a slot taken with <see cref="TryTake"/>.</summary>
    public void Release() => Interlocked.Decrement(ref _inUse);
}
