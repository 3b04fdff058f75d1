using System.Threading.Channels;

namespace Portico.Ingest.Pipeline;

/// <summary>Something changed in a study (an instance stored, replaced...). The UI subscribes for live updates.</summary>
public sealed record StudyChanged(string StudyInstanceUid, string SopInstanceUid, IngestStatus Status, DateTimeOffset At);

/// <summary>In-process fan-out of <see cref="StudyChanged"/> events, raised after the index commit. Slow subscribers lose old events, never block ingest.</summary>
public sealed class IngestEvents
{
    private readonly Lock _gate = new();
    private readonly List<Channel<StudyChanged>> _subscribers = [];

    public ChannelReader<StudyChanged> Subscribe(CancellationToken unsubscribe)
    {
        var channel = Channel.CreateBounded<StudyChanged>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        unsubscribe.Register(() =>
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }

            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    public void Publish(StudyChanged change)
    {
        lock (_gate)
        {
            foreach (Channel<StudyChanged> subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(change);
            }
        }
    }
}
