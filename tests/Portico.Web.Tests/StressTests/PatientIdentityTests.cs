using Portico.Web.Features.StressTests;
using Xunit;

namespace Portico.Web.Tests.StressTests;

public sealed class PatientIdentityTests
{
    private static readonly StressTestPatient Alpha = new() { Id = "TEST-000101", FamilyName = "TESTPATIENT", GivenName = "ALPHA", BirthDate = new DateOnly(1961, 4, 15), Sex = "M" };

    [Theory]
    [InlineData("TEST-000101", "19610415", "M", IdentityMatch.Strong)]
    [InlineData("  test-000101 ", "19610415", "M", IdentityMatch.Strong)]
    [InlineData("TEST-000101", "", "", IdentityMatch.Strong)]
    [InlineData("TEST-000101", "19610415", "O", IdentityMatch.Strong)]
    [InlineData("TEST-000101", "19700101", "M", IdentityMatch.Conflict)]
    [InlineData("TEST-000101", "19610415", "F", IdentityMatch.Conflict)]
    [InlineData("TEST-00101", "19610415", "M", IdentityMatch.None)]
    [InlineData("", "19610415", "M", IdentityMatch.Weak)]
    [InlineData("", "", "M", IdentityMatch.None)]
    [InlineData("", "19610415", "F", IdentityMatch.None)]
    public void Compare_FollowsTheRule(string id, string birth, string sex, IdentityMatch expected)
    {
        var dicom = new DicomPatient(id, "", "TESTPATIENT^ALPHA^^^", birth.Length > 0 ? DateOnly.ParseExact(birth, "yyyyMMdd") : null, sex);

        Assert.Equal(expected, PatientIdentity.Compare(Alpha, dicom, allowDemographicFallbackWhenIdsDiffer: false));
    }

    [Fact]
    public void Compare_DifferentIds_FallbackWhenConfigured()
    {
        var dicom = new DicomPatient("OTHER-1", "", "Testpatient^Alpha", new DateOnly(1961, 4, 15), "M");

        Assert.Equal(IdentityMatch.Weak, PatientIdentity.Compare(Alpha, dicom, allowDemographicFallbackWhenIdsDiffer: true));
    }

    [Fact]
    public void NormalizeName_DropsAccentsAndPunctuation()
    {
        Assert.Equal("BETA", PatientIdentity.NormalizeName("BÊTA"));
        Assert.Equal("OBRIEN", PatientIdentity.NormalizeName("O'Brien"));
        Assert.Equal(("TESTPATIENT", "BETA"), PatientIdentity.SplitPersonName("TESTPATIENT^BETA=テスト^ベータ"));
    }

    [Fact]
    public void NormalizeId_TrimsAndCollapsesKeepingZeros()
    {
        Assert.Equal("TEST DEMO 000000", PatientIdentity.NormalizeId("  TEST   DEMO 000000 "));
    }

    [Fact]
    public void InWindow_MidnightCrossingAndMissingTime()
    {
        var start = new DateTime(2024, 3, 12, 23, 50, 0);
        Assert.True(StressTestMatcher.InWindow(start, new DateOnly(2024, 3, 13), "002000", new DateTime(2024, 3, 13, 0, 20, 0), TimeSpan.FromHours(12), out double? hours));
        Assert.Equal(0.5, hours);
        Assert.False(StressTestMatcher.InWindow(start, new DateOnly(2024, 3, 13), "", null, TimeSpan.FromHours(12), out _));
        Assert.True(StressTestMatcher.InWindow(start, new DateOnly(2024, 3, 12), "", null, TimeSpan.FromHours(12), out _));
        Assert.False(StressTestMatcher.InWindow(start, new DateOnly(2023, 12, 5), "093000", new DateTime(2023, 12, 5, 9, 30, 0), TimeSpan.FromHours(12), out _));
    }
}
