using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portico.Web.Features.StressTests;
using Xunit;

namespace Portico.Web.Tests.StressTests;

public sealed class CardioSoftImporterTests
{
    private static StressTestParseResult Read(byte[] bytes, ILogger<StressTestReader>? logger = null) =>
        new StressTestReader([new CardioSoftImporter()], logger ?? NullLogger<StressTestReader>.Instance).Read(bytes);

    [Fact]
    public void Read_Bruce_ReadsEveryField()
    {
        StressTest t = Read(StressTestSamples.Bytes(StressTestSamples.Bruce)).Test!;

        Assert.Equal("GE CardioSoft", t.Vendor);
        Assert.Equal("a3ba4e4adc93170d7ce3ed3b883052f15bb041c12b82ca19183c514c18a83025", t.SourceFileSha256);
        Assert.Equal("ExerciseECG", t.ObservationType);
        Assert.Equal(new DateTime(2024, 3, 12, 9, 41, 5), t.Start);
        Assert.Equal(new DateTime(2024, 3, 12, 9, 57, 5), t.End);
        Assert.Equal("TEST-000101", t.Patient.Id);
        Assert.Equal("TESTPATIENT", t.Patient.FamilyName);
        Assert.Equal("ALPHA", t.Patient.GivenName);
        Assert.Equal(new DateOnly(1961, 4, 15), t.Patient.BirthDate);
        Assert.Equal("M", t.Patient.Sex);
        Assert.Equal(62, t.Patient.AgeYears);
        Assert.Equal(80.0m, t.Patient.WeightKg);
        Assert.Equal("SYN-ACC-0001", t.OrderNumber);
        Assert.Equal("SYNTHETIC CARDIOLOGY LAB", t.Facility);
        Assert.Equal("CASE V6.73", t.Device);
        Assert.Equal("Treadmill", t.ProtocolDevice);
        Assert.Equal(new BloodPressure(128, 78, "mmHg"), t.RestingBp);
        Assert.Equal("BRUCE", t.ProtocolName);
        Assert.Equal(["Pretest", "Exercise", "Rest"], t.Phases.Select(p => p.Name));
        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(3)], t.Phases.Select(p => p.Duration));
        Assert.Equal(["STAGE 1", "STAGE 2", "STAGE 3", "STAGE 4"], t.Phases[1].Stages.Select(s => s.Name));
        Assert.All(t.Phases[1].Stages, s => Assert.Equal(TimeSpan.FromMinutes(3), s.Duration));
        Assert.Equal(TimeSpan.FromMinutes(12), t.ExerciseDuration);
        Assert.Equal(151, t.MaxHr);
        Assert.Equal(158, t.MaxPredictedHr);
        Assert.Equal(96m, t.PercentMaxPredicted);
        Assert.Equal(134, t.TargetHr);
        Assert.True(t.TargetHrAchieved);
        Assert.Equal(68, t.RestHr);
        Assert.Equal(12.9m, t.PeakMets);
        Assert.Equal(new MaxStChange("V5", -110m, "uV", TimeSpan.FromMinutes(12)), t.MaxSt);
        TrendEntry[] stages = [.. t.Trend.Where(e => e.StageNumber is not null)];
        Assert.Equal([98, 118, 136, 151], stages.Select(e => e.HeartRate));
        Assert.Equal([4.6m, 7.0m, 10.1m, 12.9m], stages.Select(e => e.Mets));
        Assert.Equal([10m, 12m, 14m, 16m], stages.Select(e => e.Grade!.Value));
        Assert.Equal([2.7m, 4.0m, 5.5m, 6.8m], stages.Select(e => e.Speed!.Value));
        Assert.Equal([142, 158, 172, 184], stages.Select(e => e.Bp!.Systolic));
        Assert.Equal([80, 82, 84, 86], stages.Select(e => e.Bp!.Diastolic));
        Assert.Equal([122, 96], t.Trend.Where(e => e.Phase == "Rest").Select(e => e.HeartRate));
        Assert.Equal(new BloodPressure(184, 86, "mmHg"), t.PeakBp);
        Assert.Equal(["II", "V5"], t.Trend[0].Leads.Select(l => l.Lead));
        Assert.Equal(3, t.InterpretationLines.Count);
        Assert.Equal("target heart rate achieved", t.TerminationReason);
        Assert.Empty(t.Warnings);
    }

    [Fact]
    public void Read_Bike_MissingOptionalContentIsNullAndLatin1Decoded()
    {
        StressTest t = Read(StressTestSamples.Bytes(StressTestSamples.Bike)).Test!;

        Assert.Null(t.ObservationType);
        Assert.Null(t.Patient.BirthDate);
        Assert.Null(t.End);
        Assert.Null(t.MaxPredictedHr);
        Assert.Null(t.RestingBp);
        Assert.Null(t.PeakBp);
        Assert.All(t.Trend, e => Assert.Null(e.Bp));
        Assert.Equal("TEST-000202", t.Patient.Id);
        Assert.Equal("BÊTA", t.Patient.GivenName);
        Assert.Equal("F", t.Patient.Sex);
        Assert.Equal(new DateTime(2024, 5, 7, 14, 5, 30), t.Start);
        Assert.Equal(["I", "II", "III"], t.Trend[0].Leads.Select(l => l.Lead));
        Assert.Null(t.Trend[0].Leads[2].STAmplitude);
        Assert.Equal(new FlaggedValue(-25m, true), t.Trend[2].Leads[1].STAmplitude);
        Assert.Equal(5m, t.Trend[3].ArtifactPercent);
        Assert.Equal(new Measure(95m, "W"), t.MaxWorkload);
        Assert.Equal(139, t.MaxHr);
        Assert.Equal(86m, t.PercentMaxPredicted);
        Assert.Equal(74, t.RestHr);
        Assert.Equal([0m, 30m, 62m, 95m, 0m], t.Trend.Select(e => e.Load!.Value));
        Assert.Equal(["Test completed per protocol (synthetic)."], t.InterpretationLines);
        Assert.Null(t.TerminationReason);
        Assert.Equal("RAMP BIKE SYNTHETIC", t.ProtocolName);
    }

    /// <summary>Found by fuzzing: a height of 7.9e28 inches overflowed its conversion to centimetres (500).</summary>
    [Theory]
    [InlineData("""<Weight units="POUNDS">176.4</Weight><Height units="INCHES">70</Height>""", "80.0", "177.8", null)]
    [InlineData("""<Weight units="POUNDS">176.4</Weight><Height units="INCHES">79228162514264337593543950335</Height>""", "80.0", null, "The height is not between 0 and 300 cm; it was ignored.")]
    [InlineData("""<Weight units="POUNDS">79228162514264337593543950335</Weight>""", null, null, "The weight is not between 0 and 700 kg; it was ignored.")]
    [InlineData("""<Weight units="KG">-5</Weight><Height units="CM">0</Height>""", null, null, "The weight is not between 0 and 700 kg; it was ignored.")]
    [InlineData("""<Weight units="STONE">12</Weight>""", null, null, "The weight has an unknown unit; it was ignored.")]
    public void Read_WeightAndHeight_ConvertedOrIgnoredWithAWarning(string elements, string? kg, string? cm, string? warning)
    {
        string xml = System.Text.Encoding.Latin1.GetString(StressTestSamples.Bytes(StressTestSamples.Bruce)).Replace("""<Weight units="POUNDS">176.4</Weight>""", elements, StringComparison.Ordinal);

        StressTest t = Read(System.Text.Encoding.Latin1.GetBytes(xml)).Test!;

        Assert.Equal(kg is null ? null : decimal.Parse(kg, System.Globalization.CultureInfo.InvariantCulture), t.Patient.WeightKg);
        Assert.Equal(cm is null ? null : decimal.Parse(cm, System.Globalization.CultureInfo.InvariantCulture), t.Patient.HeightCm);
        if (warning is null)
        {
            Assert.Empty(t.Warnings);
        }
        else
        {
            Assert.Contains(warning, t.Warnings);
        }
    }

    [Fact]
    public void Read_Truncated_IsRefusedAsNotXml()
    {
        StressTestParseResult r = Read(StressTestSamples.Bytes(StressTestSamples.Broken));

        Assert.Null(r.Test);
        Assert.Equal(StressTestRefusal.NotXml, r.Refusal);
        Assert.Contains("not well-formed XML", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotXmlAtAll_IsRefusedAsNotXml()
    {
        Assert.Equal(StressTestRefusal.NotXml, Read("%PDF-1.4 not xml"u8.ToArray()).Refusal);
    }

    [Fact]
    public void Read_RestingEcg_IsRefused()
    {
        StressTestParseResult r = Read(StressTestSamples.RestingEcg);

        Assert.Equal(StressTestRefusal.RestingEcg, r.Refusal);
        Assert.Contains("resting ECG", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OtherRoot_IsUnsupportedAndLogsNamesOnly()
    {
        var logger = new ListLogger();

        StressTestParseResult r = Read(StressTestSamples.OtherVendor, logger);

        Assert.Equal(StressTestRefusal.UnsupportedFormat, r.Refusal);
        string line = Assert.Single(logger.Lines);
        Assert.Contains("StressTestExport", line, StringComparison.Ordinal);
        Assert.Contains("Patient,Stages", line, StringComparison.Ordinal);
        Assert.DoesNotContain("TEST-000999", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Doctype_IsIgnoredAndNothingFetched()
    {
        byte[] xml = """
            <?xml version="1.0"?>
            <!DOCTYPE CardiologyXML SYSTEM "http://127.0.0.1:9/never.dtd" [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <CardiologyXML><ObservationDateTime><Hour>8</Hour><Minute>0</Minute><Second>0</Second><Day>31</Day><Month>4</Month><Year>2024</Year></ObservationDateTime>
            <PatientInfo><PID>A</PID></PatientInfo><ExerciseMeasurements><MaxHeartRate>120</MaxHeartRate></ExerciseMeasurements>
            <FullDisclosure><FullDisclosureData>1,2,3</FullDisclosureData></FullDisclosure></CardiologyXML>
            """u8.ToArray();

        StressTest t = Read(xml).Test!;

        Assert.Equal(120, t.MaxHr);
        Assert.Null(t.Start); // 31 April
        Assert.Contains(t.Warnings, w => w.Contains("start date", StringComparison.Ordinal));
    }

    private sealed class ListLogger : ILogger<StressTestReader>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
