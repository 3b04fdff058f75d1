using System.Collections.Concurrent;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// Slows down and then locks out an address that keeps entering wrong upload codes: from the
/// <see cref="FreeFailures"/>th failure each attempt waits one more step (<c>Portico:UploadPortal:WrongCodeDelayStep</c>,
/// a second by default; at most five steps); after
/// <see cref="LockoutFailures"/> failures within <see cref="Window"/> the address is refused for <see cref="Lockout"/>.
/// Per server process; a success clears the address's count.
/// </summary>
public sealed class RedeemThrottle(TimeProvider clock, IConfiguration configuration)
{
    public const int FreeFailures = 3;
    public const int LockoutFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);
    public const int MaxDelaySteps = 5;

    private readonly TimeSpan _step = configuration.GetValue("Portico:UploadPortal:WrongCodeDelayStep", TimeSpan.FromSeconds(1));

    private readonly ConcurrentDictionary<string, Failures> _byAddress = new(StringComparer.Ordinal);

    /// <summary>When the address is locked out, until when; else null.</summary>
    public DateTimeOffset? LockedUntil(string address)
    {
        if (_byAddress.TryGetValue(address, out Failures? f))
        {
            lock (f)
            {
                if (f.LockedUntil is { } until && until > clock.GetUtcNow())
                {
                    return until;
                }
            }
        }

        return null;
    }

    /// <summary>How long to wait before answering this address's next attempt.</summary>
    public TimeSpan DelayFor(string address)
    {
        if (!_byAddress.TryGetValue(address, out Failures? f))
        {
            return TimeSpan.Zero;
        }

        lock (f)
        {
            int count = f.CountSince(clock.GetUtcNow() - Window);
            return count < FreeFailures ? TimeSpan.Zero : _step * Math.Min(MaxDelaySteps, count - FreeFailures + 1);
        }
    }

    /// <summary>Records a wrong code; true when this failure locks the address out.</summary>
    public bool Failed(string address)
    {
        DateTimeOffset now = clock.GetUtcNow();
        Failures f = _byAddress.GetOrAdd(address, _ => new Failures());
        lock (f)
        {
            f.At.Enqueue(now);
            if (f.CountSince(now - Window) >= LockoutFailures)
            {
                f.LockedUntil = now + Lockout;
                f.At.Clear();
                return true;
            }
        }

        return false;
    }

    public void Succeeded(string address) => _byAddress.TryRemove(address, out _);

    private sealed class Failures
    {
        public Queue<DateTimeOffset> At { get; } = new();

        public DateTimeOffset? LockedUntil { get; set; }

        public int CountSince(DateTimeOffset since)
        {
            while (At.TryPeek(out DateTimeOffset first) && first < since)
            {
                At.Dequeue();
            }

            return At.Count;
        }
    }
}
