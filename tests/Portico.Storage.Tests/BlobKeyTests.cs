using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Portico.Storage.Tests;

public sealed class BlobKeyTests
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static TheoryData<string> InvalidKeys => new()
    {
        string.Empty,
        EmptySha256[..63],
        EmptySha256 + "0",
        EmptySha256.ToUpperInvariant(),
        "E" + EmptySha256[1..],
        "g" + EmptySha256[1..],
        " " + EmptySha256[1..],
        EmptySha256[..63] + "\n",
        EmptySha256[..63] + "\0",
        "../../../../etc/passwd".PadRight(64, 'a'),
        "ab/cd/" + EmptySha256[6..],
        "ab\\cd\\" + EmptySha256[6..],
        "." + EmptySha256[1..],
        "\uFF10" + EmptySha256[1..], // full-width digit zero
        "\u0660" + EmptySha256[1..], // Arabic-Indic digit zero
    };

    [Fact]
    public void Parse_LowercaseHex_KeepsText()
    {
        BlobKey key = BlobKey.Parse(EmptySha256);

        Assert.Equal(EmptySha256, key.Sha256Hex);
        Assert.Equal(EmptySha256, key.ToString());
        Assert.False(key.IsDefault);
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void TryParse_AnythingButLowercaseHex_ReturnsFalse(string text)
    {
        Assert.False(BlobKey.TryParse(text, out BlobKey key));
        Assert.True(key.IsDefault);
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void Parse_AnythingButLowercaseHex_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => BlobKey.Parse(text));
        Assert.Throws<FormatException>(() => new BlobKey(text));
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.False(BlobKey.TryParse(null, out _));
        Assert.Throws<ArgumentNullException>(() => BlobKey.Parse(null!));
        Assert.Throws<FormatException>(() => new BlobKey(null!));
    }

    [Fact]
    public void FromHash_Digest_EqualsLowercaseHexOfSha256()
    {
        byte[] content = Encoding.ASCII.GetBytes("portico");
        byte[] digest = SHA256.HashData(content);

        BlobKey key = BlobKey.FromHash(digest);

        Assert.Equal(Convert.ToHexString(digest).ToLowerInvariant(), key.Sha256Hex);
    }

    [Fact]
    public void FromHash_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => BlobKey.FromHash(new byte[31]));
    }

    [Fact]
    public void Equality_SameText_EqualAndSameHash()
    {
        BlobKey a = BlobKey.Parse(EmptySha256);
        BlobKey b = BlobKey.Parse(new string(EmptySha256.AsSpan()));

        Assert.Equal(a, b);
        Assert.Single(new HashSet<BlobKey> { a, b });
    }

    [Fact]
    public void Default_IsDefault_PrintsEmpty()
    {
        BlobKey key = default;

        Assert.True(key.IsDefault);
        Assert.Equal(string.Empty, key.ToString());
    }
}
