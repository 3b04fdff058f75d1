using Portico.Dicom.Network.Scp;

namespace Portico.Dicom.Network.Tests.Scp;

/// <summary>C-ECHO against DCMTK echoscu, a real peer.</summary>
public class DicomServerEchoscuTests
{
    [Fact]
    public async Task Echoscu_DefaultPdu_Succeeds()
    {
        await using var server = new RunningServer();
        var (exit, output) = await Dcmtk.EchoAsync(server.Port, "PORTICO", TestContext.Current.CancellationToken, "-v");
        Assert.True(exit == 0, output);
        AssociationRecord record = await server.NextRecordAsync();
        Assert.Equal(AssociationOutcome.Released, record.Outcome);
        Assert.Equal("TESTSCU", record.CallingAETitle);
        Assert.Equal("PORTICO", record.CalledAETitle);
        Assert.Equal(1, record.EchoCount);
        Assert.Equal(0, server.Server.ActiveAssociations);
    }

    [Fact]
    public async Task Echoscu_Pdu16384_AndRepeatedEchoes_Succeed()
    {
        await using var server = new RunningServer(new DicomServerOptions { Limits = new DicomNetworkLimits { MaxPduLength = 16384 } });
        var (exit, output) = await Dcmtk.EchoAsync(server.Port, "PORTICO", TestContext.Current.CancellationToken, "-pdu", "16384", "--repeat", "3");
        Assert.True(exit == 0, output);
        AssociationRecord record = await server.NextRecordAsync();
        Assert.Equal(AssociationOutcome.Released, record.Outcome);
        Assert.Equal(3, record.EchoCount);
    }

    [Fact]
    public async Task Echoscu_ManyContextsAndTransferSyntaxes_Succeeds()
    {
        await using var server = new RunningServer();
        // 3 presentation contexts with 5 transfer syntaxes each: all Verification, one answer each.
        var (exit, output) = await Dcmtk.EchoAsync(server.Port, "PORTICO", TestContext.Current.CancellationToken, "-ppc", "3", "-pts", "5");
        Assert.True(exit == 0, output);
        Assert.Equal(AssociationOutcome.Released, (await server.NextRecordAsync()).Outcome);
    }

    [Fact]
    public async Task Echoscu_WrongCalledAETitle_IsRejectedWithReason()
    {
        await using var server = new RunningServer();
        var (exit, output) = await Dcmtk.EchoAsync(server.Port, "NOTPORTICO", TestContext.Current.CancellationToken);
        Assert.NotEqual(0, exit);
        Assert.Contains("Called AE Title Not Recognized", output, StringComparison.OrdinalIgnoreCase);
        AssociationRecord record = await server.NextRecordAsync();
        Assert.Equal(AssociationOutcome.Rejected, record.Outcome);
        Assert.Equal(RejectReason.CalledAETitleNotRecognized, record.RejectReason);
        Assert.Equal("NOTPORTICO", record.CalledAETitle);
    }

    [Fact]
    public async Task Echoscu_UnknownCallingAETitle_IsRejectedWithReason()
    {
        await using var server = new RunningServer(new DicomServerOptions { CallingAETitles = new HashSet<string> { "CT1" } });
        var (exit, _) = await Dcmtk.EchoAsync(server.Port, "PORTICO", TestContext.Current.CancellationToken);
        Assert.NotEqual(0, exit);
        AssociationRecord record = await server.NextRecordAsync();
        Assert.Equal(RejectReason.CallingAETitleNotRecognized, record.RejectReason);
    }

    [Fact]
    public async Task Echoscu_BeyondMaxConcurrentAssociations_IsRejectedTransient()
    {
        await using var server = new RunningServer(new DicomServerOptions { MaxConcurrentAssociations = 1 });
        // Hold the only slot with a raw association that stays open.
        using var holder = await RawPeer.ConnectAsync(server.Port);
        await holder.SendAsync(RawPeer.EchoAssociateRequest());
        byte[] answer = await holder.ReadPduAsync();
        Assert.Equal(0x02, answer[0]);
        var (exit, output) = await Dcmtk.EchoAsync(server.Port, "PORTICO", TestContext.Current.CancellationToken);
        Assert.NotEqual(0, exit);
        AssociationRecord record = await server.NextRecordAsync();
        Assert.Equal(RejectReason.LocalLimitExceeded, record.RejectReason);
        Assert.Contains("Local Limit Exceeded", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Echoscu_SlotsSharedByTwoServers_TheLimitHoldsAcrossBoth()
    {
        var slots = new AssociationSlots(1);
        await using var first = new RunningServer(new DicomServerOptions { Slots = slots });
        await using var second = new RunningServer(new DicomServerOptions { Slots = slots });
        using (var holder = await RawPeer.ConnectAsync(first.Port))
        {
            await holder.SendAsync(RawPeer.EchoAssociateRequest());
            Assert.Equal(0x02, (await holder.ReadPduAsync())[0]);

            var (refusedExit, refusedOutput) = await Dcmtk.EchoAsync(second.Port, "PORTICO", TestContext.Current.CancellationToken);

            Assert.NotEqual(0, refusedExit);
            Assert.Contains("Local Limit Exceeded", refusedOutput, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(RejectReason.LocalLimitExceeded, (await second.NextRecordAsync()).RejectReason);
        }

        // The holder's connection closed: its slot is back, for either server.
        for (int i = 0; i < 200 && slots.InUse > 0; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        var (exit, output) = await Dcmtk.EchoAsync(second.Port, "PORTICO", TestContext.Current.CancellationToken);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task Echoscu_TwentyConcurrent_AllSucceed_AndNoSlotLeaks()
    {
        await using var server = new RunningServer();
        var runs = Enumerable.Range(0, 20).Select(_ => Dcmtk.EchoAsync(server.Port, "PORTICO", TestContext.Current.CancellationToken)).ToArray();
        foreach (var (exit, output) in await Task.WhenAll(runs))
        {
            Assert.True(exit == 0, output);
        }
        for (int i = 0; i < 20 && server.Records.Count < 20; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Equal(20, server.Records.Count(r => r.Outcome == AssociationOutcome.Released));
        Assert.Equal(0, server.Server.ActiveAssociations);
    }
}
