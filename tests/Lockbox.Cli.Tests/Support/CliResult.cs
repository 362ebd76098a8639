namespace Lockbox.Cli.Tests.Support;

/// <summary>What one run of the CLI printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Asserts a failure reported as exactly one "lockbox: ..." line with no stack trace.</summary>
    public void AssertOneLineFailure(int expectedCode, string expectedText)
    {
        Assert.True(ExitCode == expectedCode, $"exit code {ExitCode}, expected {expectedCode}; stderr: {Error}; stdout: {Out}");
        string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("lockbox:", StringComparison.Ordinal)).ToArray();
        Assert.Single(lines);
        Assert.Contains(expectedText, lines[0], StringComparison.OrdinalIgnoreCase);
        AssertNoStackTrace();
    }

    public void AssertNoStackTrace()
    {
        foreach (string text in new[] { Out, Error })
        {
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception:", text, StringComparison.Ordinal);
            Assert.DoesNotContain("--- End of", text, StringComparison.Ordinal);
        }
    }

    public void AssertSuccess() =>
        Assert.True(ExitCode == 0, $"exit code {ExitCode}; stderr: {Error}; stdout: {Out}");
}
