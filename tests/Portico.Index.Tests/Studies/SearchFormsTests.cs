using Portico.Index.Studies;
using Portico.Index.StudyList;
using Xunit;

namespace Portico.Index.Tests.Studies;

public sealed class SearchFormsTests
{
    [Theory]
    [InlineData("Doe^John", "DOE JOHN")]
    [InlineData("DOE^JOHN^^^", "DOE JOHN")]
    [InlineData("  van  Dam^Anna ", "VAN DAM ANNA")]
    [InlineData("Yamada^Tarou=山田^太郎", "YAMADA TAROU=山田 太郎")]
    [InlineData("müller^jörg", "MÜLLER JÖRG")]
    [InlineData("doe*", "DOE*")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void PersonNameSearch_Normalize_UpperCasesAndTurnsSeparatorsIntoSingleSpaces(string? name, string expected) =>
        Assert.Equal(expected, PersonNameSearch.Normalize(name));

    [Theory]
    [InlineData("CT\\US", "|CT|US|")]
    [InlineData("us\\SR\\US", "|US|SR|")]
    [InlineData(" MR ", "|MR|")]
    [InlineData("A|B", "|A_B|")]
    [InlineData("", "")]
    [InlineData("\\", "")]
    public void ModalitiesSearch_Normalize_ListsEachModalityOnceBetweenSeparators(string modalities, string expected) =>
        Assert.Equal(expected, ModalitiesSearch.Normalize(modalities));

    [Theory]
    [InlineData("DOE*", "DOE%")]
    [InlineData("D?E", "D_E")]
    [InlineData("100%_\\*", "100\\%\\_\\\\%")]
    public void WildcardPattern_ToLike_MapsWildcardsAndEscapesLikeCharacters(string pattern, string expected) =>
        Assert.Equal(expected, WildcardPattern.ToLike(pattern));

    [Fact]
    public void StudyQuery_ToString_PrintsNoFilterValues()
    {
        var query = new StudyQuery { PatientName = "DOE^JOHN", PatientId = "MRN123", BirthDate = new DateOnly(1970, 1, 1), AccessionNumber = "ACC9" };

        string text = query.ToString();

        Assert.DoesNotContain("DOE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("MRN123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1970", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ACC9", text, StringComparison.Ordinal);
    }
}
