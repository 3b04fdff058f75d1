using System.Buffers.Binary;
using Portico.Dicom.Network.Pdus;

namespace Portico.Dicom.Network.Tests.Pdus;

public class PduReaderTests
{
    private static async Task<DicomNetworkProtocolException> ReadInvalidAsync(byte[] bytes, DicomNetworkLimits? limits = null)
    {
        using var stream = new MemoryStream(bytes);
        var reader = new PduReader(stream, limits);
        return await Assert.ThrowsAsync<DicomNetworkProtocolException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    private static byte[] Rq() => PduEncoder.Encode(PduRoundTripTests.SampleRequest());

    [Fact]
    public async Task Read_UnknownPduType_Throws()
    {
        var ex = await ReadInvalidAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        Assert.Equal(ProtocolErrorReason.UnknownPduType, ex.Reason);
        Assert.Equal(AbortReason.UnrecognizedPdu, ex.AbortReason);
    }

    [Fact]
    public async Task Read_LengthBeyondLimit_ThrowsBeforeAllocating()
    {
        // A header announcing 4 GiB - 1 with no body: refused from the header alone.
        byte[] header = [0x01, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        using var stream = new MemoryStream(header);
        var reader = new PduReader(stream);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = await Assert.ThrowsAsync<DicomNetworkProtocolException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ProtocolErrorReason.PduTooLong, ex.Reason);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task Read_PDataOverNegotiatedLimit_Throws()
    {
        byte[] pdu = PduEncoder.Encode(new PDataTfPdu([new PresentationDataValue(1, true, true, new byte[100])]));
        var ex = await ReadInvalidAsync(pdu, new DicomNetworkLimits { MaxPduLength = 64 });
        Assert.Equal(ProtocolErrorReason.PduTooLong, ex.Reason);
    }

    [Fact]
    public async Task Read_EveryTruncatedAssociateRequest_ThrowsTruncated()
    {
        byte[] rq = Rq();
        for (int cut = 1; cut < rq.Length; cut++)
        {
            var ex = await ReadInvalidAsync(rq[..cut]);
            Assert.Equal(ProtocolErrorReason.Truncated, ex.Reason);
        }
    }

    [Fact]
    public async Task Read_ItemLengthOverrunningPdu_Throws()
    {
        byte[] rq = Rq();
        // First item (application context, 0x10) starts at 6 + 68; make its length huge.
        Assert.Equal(0x10, rq[74]);
        BinaryPrimitives.WriteUInt16BigEndian(rq.AsSpan(76), 0xFFF0);
        var ex = await ReadInvalidAsync(rq);
        Assert.Equal(ProtocolErrorReason.LengthOverrun, ex.Reason);
    }

    [Fact]
    public async Task Read_EveryCorruptedByte_NeverThrowsAnythingButProtocolErrors()
    {
        byte[] rq = Rq();
        for (int i = 0; i < rq.Length; i++)
        {
            foreach (byte value in new byte[] { 0x00, 0xFF, 0x21, 0x50 })
            {
                byte[] corrupt = (byte[])rq.Clone();
                corrupt[i] = value;
                using var stream = new MemoryStream(corrupt);
                try
                {
                    await new PduReader(stream).ReadAsync(TestContext.Current.CancellationToken);
                }
                catch (DicomNetworkProtocolException)
                {
                    // expected for most positions
                }
            }
        }
    }

    [Fact]
    public async Task Read_PresentationContextInsideUserInformation_ThrowsItemInWrongPlace()
    {
        var body = new List<byte>();
        body.AddRange(new byte[] { 0, 1, 0, 0 });
        body.AddRange("PORTICO         "u8.ToArray());
        body.AddRange("SCU             "u8.ToArray());
        body.AddRange(new byte[32]);
        byte[] ctx = "1.2.840.10008.3.1.1.1"u8.ToArray();
        body.AddRange(new byte[] { 0x10, 0, 0, (byte)ctx.Length });
        body.AddRange(ctx);
        body.AddRange(new byte[] { 0x50, 0, 0, 8, 0x20, 0, 0, 4, 1, 0, 0, 0 });
        byte[] pdu = [0x01, 0, 0, 0, 0, (byte)body.Count, .. body];
        var ex = await ReadInvalidAsync(pdu);
        Assert.Equal(ProtocolErrorReason.ItemInWrongPlace, ex.Reason);
    }

    [Fact]
    public async Task Read_PdvLengthOverrun_Throws()
    {
        byte[] pdu = [0x04, 0, 0, 0, 0, 8, 0, 0, 0, 0x40, 1, 3, 0, 0];
        var ex = await ReadInvalidAsync(pdu);
        Assert.Equal(ProtocolErrorReason.LengthOverrun, ex.Reason);
    }

    [Fact]
    public async Task Read_InvalidAETitle_Throws()
    {
        byte[] rq = Rq();
        rq[10] = 0x01;
        var ex = await ReadInvalidAsync(rq);
        Assert.Equal(ProtocolErrorReason.InvalidAETitle, ex.Reason);
    }

    [Fact]
    public async Task Read_AbortWithWrongLength_Throws()
    {
        var ex = await ReadInvalidAsync([0x07, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Equal(ProtocolErrorReason.PduTooLong, ex.Reason);
        ex = await ReadInvalidAsync([0x07, 0, 0, 0, 0, 2, 0, 0]);
        Assert.Equal(ProtocolErrorReason.Malformed, ex.Reason);
    }
}
