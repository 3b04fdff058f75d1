using Portico.Index.Access;
using Xunit;

namespace Portico.Index.Tests.Access;

public sealed class ApiKeySecretTests
{
    [Fact]
    public void Hash_KnownSecret_IsLowerCaseHexSha256()
    {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeySecret.Hash("abc"));
    }

    [Fact]
    public void Generate_TwoSecrets_AreDifferentUrlSafeAndLongEnough()
    {
        string first = ApiKeySecret.Generate();
        string second = ApiKeySecret.Generate();

        Assert.NotEqual(first, second);
        Assert.Equal(43, first.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", first);
        Assert.Equal(first[..ApiKeySecret.PrefixLength], ApiKeySecret.PrefixOf(first));
    }
}
