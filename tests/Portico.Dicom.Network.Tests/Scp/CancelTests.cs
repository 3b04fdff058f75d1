using System.Runtime.CompilerServices;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Network.Scp;
using Portico.Dicom.Network.Services;
using Portico.Dicom.Values;

namespace Portico.Dicom.Network.Tests.Scp;

/// <summary>
/// C-CANCEL (PS3.7 §9.3.2.3) from DCMTK findscu and movescu (<c>--cancel 1</c>) against operations that answer once and
/// then wait: the cancel must end them with status Cancel (FE00), the association must stay usable and be released.
/// </summary>
public sealed class CancelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindScu_CancelAfterTheFirstMatch_EndsWithCancelStatus()
    {
        var services = new WaitingServices();
        await using var server = new RunningServer(new DicomServerOptions { Services = services });

        (int exit, string output) = await Dcmtk.RunAsync("findscu",
            ["-v", "-S", "--cancel", "1", "-aet", "FINDSCU", "-aec", "PORTICO", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID",
                "127.0.0.1", Port(server)], Ct);

        Assert.True(exit == 0, output);
        Assert.Contains("Received Final Find Response (Cancel", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Release Failed", output, StringComparison.Ordinal);
        Assert.True(services.Cancelled.Task.IsCompletedSuccessfully, "the provider's token was not cancelled");
        AssociationRecord record = await server.NextRecordAsync();
        Assert.Equal(AssociationOutcome.Released, record.Outcome);
        Assert.Equal(1, record.FindCount);
    }

    [Fact]
    public async Task MoveScu_CancelAfterTheFirstPendingResponse_EndsWithCancelStatusAndCounts()
    {
        var services = new WaitingServices();
        await using var server = new RunningServer(new DicomServerOptions { Services = services });

        (int exit, string output) = await Dcmtk.RunAsync("movescu",
            ["-v", "-S", "--cancel", "1", "-aet", "MOVESCU", "-aec", "PORTICO", "-aem", "SOMEWHERE", "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=1.2.3", "127.0.0.1", Port(server)], Ct);

        Assert.Contains("Received Final Move Response (Cancel", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Release Failed", output, StringComparison.Ordinal);
        Assert.True(services.Cancelled.Task.IsCompletedSuccessfully, "the provider's token was not cancelled");
        AssociationRecord record = await server.NextRecordAsync();
        Assert.Equal(AssociationOutcome.Released, record.Outcome);
        Assert.Equal(1, record.MoveCount);
        _ = exit; // movescu reports a cancelled move as an error exit; what matters is the protocol above.
    }

    private static string Port(RunningServer server) => server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Answers one match (or one progress report), then waits until the operation is cancelled.</summary>
    private sealed class WaitingServices : IDimseServiceProvider
    {
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<IStoreTarget> BeginStoreAsync(StoreRequest request, CancellationToken cancellationToken) =>
            throw new DimseServiceException(0xA700, "not in this test");

        public async IAsyncEnumerable<DicomDataset> FindAsync(QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var match = new DicomDataset();
            match.AddOrUpdate(DicomTags.QueryRetrieveLevel, DicomVR.CS, "STUDY");
            match.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, "1.2.3.4");
            yield return match;
            await WaitForCancelAsync(cancellationToken);
        }

        public async IAsyncEnumerable<RetrieveItem> RetrieveAsync(QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await WaitForCancelAsync(cancellationToken);
            yield break;
        }

        public async IAsyncEnumerable<RetrieveProgress> MoveAsync(QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return new RetrieveProgress(Remaining: 2, Completed: 1, Failed: 0, Warning: 0);
            await WaitForCancelAsync(cancellationToken);
        }

        private async Task WaitForCancelAsync(CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }

            throw new TimeoutException("No C-CANCEL arrived within 30 s.");
        }
    }
}
