using Lockbox.Cryptography;

namespace Lockbox.Cryptography.Tests;

public sealed class BackupKeyCodeTests
{
    private static readonly byte[] Key = Convert.FromHexString("6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017");

    [Fact]
    public void FormatIsLowercaseHexInSixteenGroupsOfFour()
    {
        string code = BackupKeyCode.Format(Key);

        Assert.Equal("6730 a595 a148 4d0c 39c1 01dc 0ac8 2ec5 e401 bb6f 0e1b 8ee2 dc10 4a6b 3687 f017", code);
    }

    [Theory]
    [InlineData("6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017")]
    [InlineData("6730 A595 A148 4D0C 39C1 01DC 0AC8 2EC5 E401 BB6F 0E1B 8EE2 DC10 4A6B 3687 F017")]
    [InlineData("6730-a595-a148-4d0c-39c1-01dc-0ac8-2ec5-e401-bb6f-0e1b-8ee2-dc10-4a6b-3687-f017")]
    [InlineData("  6730a595 a1484d0c-39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017  ")]
    public void ParseAcceptsEitherCaseSpacesAndDashes(string text)
    {
        byte[] parsed = new byte[32];

        Assert.True(BackupKeyCode.TryParse(text, parsed, out string? error), error);
        Assert.Equal(Key, parsed);
    }

    [Fact]
    public void ParseRejectsABadCharacterAndSaysWhereItIs()
    {
        byte[] parsed = new byte[32];

        Assert.False(BackupKeyCode.TryParse("6730 a595 a148 4d0c 39c1 01dc 0ac8 2ec5 e401 bb6f 0e1b 8ee2 dc10 4a6b 3687 f01g", parsed, out string? error));

        Assert.Contains("'g'", error);
        Assert.Contains("position 79", error);
        Assert.All(parsed, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData("6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f01", "63 digits")]
    [InlineData("6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f0177", "65 digits")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    public void ParseRejectsTheWrongNumberOfDigits(string text, string expected)
    {
        Assert.False(BackupKeyCode.TryParse(text, new byte[32], out string? error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void ParseRejectsLettersThatLookLikeDigits()
    {
        // 'O' for zero and 'l' for one are the usual transcription slips from paper.
        Assert.False(BackupKeyCode.TryParse("O730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017", new byte[32], out string? error));
        Assert.Contains("'O' at position 1", error);
    }

    [Fact]
    public void FormatThenParseRoundTripsRandomKeys()
    {
        for (int i = 0; i < 100; i++)
        {
            using BackupKey key = BackupKey.Generate();
            Assert.True(BackupKey.TryParse(key.ToDigits(), out BackupKey? parsed, out _));
            using (parsed)
                Assert.True(key.SameAs(parsed!));
        }
    }
}
