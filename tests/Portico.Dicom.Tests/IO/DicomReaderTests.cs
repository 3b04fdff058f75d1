using System.Buffers;
using Portico.Dicom.IO;
using Portico.Dicom.Values;
using Xunit;

namespace Portico.Dicom.Tests.IO;

public sealed class DicomReaderTests
{
    private readonly record struct Token(DicomTokenType Type, uint Tag, ushort VR, uint Length, long ValueOffset, bool Deferred, string Value);

    // Explicit VR little endian: (0010,0010) PN "Doe^John", then (0008,1140) SQ undefined length with one
    // undefined-length item holding (0008,1150) UI "1.2", then (7FE0,0010) OB encapsulated with an empty
    // offset table and one 4-byte fragment. Hand-assembled from PS3.5 §7.1.2, §7.5.2 and §A.4.
    private static readonly byte[] Sample = Convert.FromHexString(
        "10001000" + "504E" + "0800" + "446F655E4A6F686E" +
        "08004011" + "5351" + "0000" + "FFFFFFFF" +
            "FEFF00E0" + "FFFFFFFF" +
                "08005011" + "5549" + "0400" + "312E3200" +
            "FEFF0DE0" + "00000000" +
        "FEFFDDE0" + "00000000" +
        "E07F1000" + "4F42" + "0000" + "FFFFFFFF" +
            "FEFF00E0" + "00000000" +
            "FEFF00E0" + "04000000" + "01020304" +
        "FEFFDDE0" + "00000000");

    [Fact]
    public void Read_HandAssembledExplicitLittleEndian_YieldsTheTokensOfTheStandard()
    {
        List<Token> tokens = ReadAll(Sample, explicitVR: true, bigEndian: false, out DicomReadStatus end);

        Assert.Equal(DicomReadStatus.EndOfData, end);
        Assert.Equal(
            [
                DicomTokenType.Element, DicomTokenType.SequenceStart, DicomTokenType.ItemStart, DicomTokenType.Element,
                DicomTokenType.ItemEnd, DicomTokenType.SequenceEnd, DicomTokenType.FragmentsStart, DicomTokenType.Fragment,
                DicomTokenType.Fragment, DicomTokenType.FragmentsEnd,
            ],
            tokens.Select(t => t.Type));
        Assert.Equal("446F655E4A6F686E", tokens[0].Value);
        Assert.Equal(0x00081150u, tokens[3].Tag);
        Assert.Equal(DicomVR.UI.Code, tokens[3].VR);
        Assert.Equal("01020304", tokens[8].Value);
    }

    public static TheoryData<string> RealFiles() => new("CT_small.dcm", "rtplan.dcm", "MR_small_bigendian.dcm", "JPEG2000.dcm", "meta_missing_tsyntax.dcm", "image_dfl.dcm");

    [Fact]
    public void Read_EveryPrefix_ReturnsNeedMoreDataAndOnlyCompleteTokens()
    {
        List<Token> all = ReadAll(Sample, true, false, out _);
        for (int length = 0; length < Sample.Length; length++)
        {
            var reader = new DicomReader(new ReadOnlySequence<byte>(Sample, 0, length), isFinalBlock: false, new DicomReaderState(true, false));
            var seen = new List<Token>();
            DicomReadStatus status;
            while ((status = reader.Read()) == DicomReadStatus.Token)
            {
                seen.Add(Capture(ref reader));
            }

            Assert.Equal(DicomReadStatus.NeedMoreData, status);
            Assert.Equal(all.Take(seen.Count), seen);
            long expectedConsumed = seen.Count == 0 ? 0 : EndOf(all, seen.Count - 1);
            Assert.True(reader.BytesConsumed <= length);
            Assert.Equal(expectedConsumed, reader.BytesConsumed);
        }
    }

    [Fact]
    public void Read_EverySplit_GivesTheSameTokens()
    {
        AssertEverySplit(Sample, explicitVR: true, bigEndian: false, maxSplits: int.MaxValue);
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void Read_RealFileSplitAnywhere_GivesTheSameTokens(string name)
    {
        if (name == "image_dfl.dcm")
        {
            return; // deflated: the reader sees inflated bytes only; covered by DicomFileTests.
        }

        byte[] data = PydicomFiles.DatasetBytes(name, out bool explicitVR, out bool bigEndian);
        AssertEverySplit(data, explicitVR, bigEndian, maxSplits: 600);
    }

    [Fact]
    public void Read_LengthBeyondData_ReturnsInvalidDataWithOffsetAndTag()
    {
        // (0010,0010) PN claiming 0x7FFF bytes in an 8-byte final block.
        byte[] data = Convert.FromHexString("10001000504EFF7F41424344");
        var state = new DicomReaderState(true, false) { EndLimit = data.Length };
        var reader = new DicomReader(new ReadOnlySequence<byte>(data), true, state);

        Assert.Equal(DicomReadStatus.InvalidData, reader.Read());
        Assert.Equal(DicomReadError.LengthBeyondRemaining, reader.Error);
        Assert.Equal(0, reader.ErrorOffset);
        Assert.Equal(0x00100010u, reader.Tag.Value);
    }

    [Fact]
    public void Read_NestingBeyondMaxDepth_ReturnsNestingTooDeep()
    {
        var hex = new System.Text.StringBuilder();
        for (int i = 0; i < 70; i++)
        {
            hex.Append("08004011" + "5351" + "0000" + "FFFFFFFF" + "FEFF00E0" + "FFFFFFFF");
        }

        byte[] data = Convert.FromHexString(hex.ToString());
        var reader = new DicomReader(new ReadOnlySequence<byte>(data), true, new DicomReaderState(true, false));
        DicomReadStatus status;
        while ((status = reader.Read()) == DicomReadStatus.Token)
        {
        }

        Assert.Equal(DicomReadStatus.InvalidData, status);
        Assert.Equal(DicomReadError.NestingTooDeep, reader.Error);
    }

    [Fact]
    public void Read_ValueOverDeferThreshold_IsReportedNotRead()
    {
        byte[] data = Convert.FromHexString("E07F10004F57000008000000" + "0102030405060708");
        var options = new DicomReaderOptions { DeferValuesLongerThan = 4 };
        var reader = new DicomReader(new ReadOnlySequence<byte>(data, 0, 12), false, new DicomReaderState(true, false, options));

        Assert.Equal(DicomReadStatus.Token, reader.Read());
        Assert.True(reader.IsValueDeferred);
        Assert.Equal(12, reader.ValueOffset);
        Assert.Equal(8u, reader.Length);
        Assert.Equal(DicomReadStatus.NeedMoreData, reader.Read());
        Assert.Equal(8, reader.CurrentState.SkipRemaining);
    }

    [Fact]
    public void Read_StopTag_StopsBeforeWithoutConsuming()
    {
        var state = new DicomReaderState(true, false) { StopTag = 0x7FE00010 };
        var reader = new DicomReader(new ReadOnlySequence<byte>(Sample), true, state);
        DicomReadStatus status;
        while ((status = reader.Read()) == DicomReadStatus.Token)
        {
        }

        Assert.Equal(DicomReadStatus.Stopped, status);
        Assert.Equal(0x7FE00010u, reader.Tag.Value);
        Assert.Equal(Sample.Length - 40, reader.BytesConsumed);
    }

    [Fact]
    public void Read_ExplicitFileWithImplicitElement_UsesDictionaryVR()
    {
        // (0028,0010) Rows written implicit (4-byte length) inside an explicit VR data set: a quirk DCMTK tolerates.
        byte[] data = Convert.FromHexString("28001000" + "02000000" + "0002");
        var reader = new DicomReader(new ReadOnlySequence<byte>(data), true, new DicomReaderState(true, false));

        Assert.Equal(DicomReadStatus.Token, reader.Read());
        Assert.True(reader.VRFromDictionary);
        Assert.Equal(DicomVR.US, reader.VR);
        Assert.Equal(2u, reader.Length);
    }

    [Fact]
    public void Read_UndefinedLengthUN_IsImplicitLittleEndianSequence()
    {
        // PS3.5 §6.2.2: UN, undefined length, item with an implicit VR element (0008,0100) SH "AB".
        byte[] data = Convert.FromHexString("09001010" + "554E" + "0000" + "FFFFFFFF" + "FEFF00E0" + "0A000000" + "08000001" + "02000000" + "4142" + "FEFFDDE0" + "00000000");
        List<Token> tokens = ReadAll(data, true, false, out DicomReadStatus end);

        Assert.Equal(DicomReadStatus.EndOfData, end);
        Assert.Equal([DicomTokenType.SequenceStart, DicomTokenType.ItemStart, DicomTokenType.Element, DicomTokenType.ItemEnd, DicomTokenType.SequenceEnd], tokens.Select(t => t.Type));
        Assert.Equal(DicomVR.SH.Code, tokens[2].VR);
        Assert.Equal("4142", tokens[2].Value);
    }

    private static void AssertEverySplit(byte[] data, bool explicitVR, bool bigEndian, int maxSplits)
    {
        var options = new DicomReaderOptions { DeferValuesLongerThan = 1024 };
        List<Token> expected = ReadAll(data, explicitVR, bigEndian, out DicomReadStatus expectedEnd, options);
        Assert.Equal(DicomReadStatus.EndOfData, expectedEnd);
        int step = Math.Max(1, data.Length / maxSplits);
        for (int split = 0; split <= data.Length; split += step)
        {
            var tokens = new List<Token>();
            var reader = new DicomReader(new ReadOnlySequence<byte>(data, 0, split), false, new DicomReaderState(explicitVR, bigEndian, options));
            DicomReadStatus status;
            while ((status = reader.Read()) == DicomReadStatus.Token)
            {
                tokens.Add(Capture(ref reader));
            }

            Assert.Equal(DicomReadStatus.NeedMoreData, status);
            long consumed = reader.BytesConsumed;
            DicomReaderState state = reader.CurrentState;

            // The rest arrives as a two-segment sequence to exercise values that straddle segments.
            ReadOnlySequence<byte> rest = TwoSegments(data, (int)consumed);
            reader = new DicomReader(rest, true, state);
            while ((status = reader.Read()) == DicomReadStatus.Token)
            {
                tokens.Add(Capture(ref reader));
            }

            Assert.Equal(DicomReadStatus.EndOfData, status);
            Assert.Equal(expected, tokens);
        }
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] data, int from)
    {
        int middle = from + ((data.Length - from) / 2);
        var first = new Segment(data.AsMemory(from, middle - from), 0);
        Segment last = first.Append(data.AsMemory(middle));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    private static List<Token> ReadAll(byte[] data, bool explicitVR, bool bigEndian, out DicomReadStatus end, DicomReaderOptions? options = null)
    {
        var reader = new DicomReader(new ReadOnlySequence<byte>(data), true, new DicomReaderState(explicitVR, bigEndian, options));
        var tokens = new List<Token>();
        while ((end = reader.Read()) == DicomReadStatus.Token)
        {
            tokens.Add(Capture(ref reader));
        }

        return tokens;
    }

    private static Token Capture(ref DicomReader reader) =>
        new(reader.TokenType, reader.Tag.Value, reader.VR.Code, reader.Length, reader.ValueOffset, reader.IsValueDeferred, Convert.ToHexString(reader.Value.ToArray()));

    private static long EndOf(List<Token> tokens, int index)
    {
        Token t = tokens[index];
        return t.Type is DicomTokenType.Element or DicomTokenType.Fragment && !t.Deferred ? t.ValueOffset + t.Length : t.ValueOffset;
    }
}
