using System.Text.Json;

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

    /// <summary>
    /// Standard output as --json promises it: every line one JSON object whose first field is <c>messageType</c>
    /// (asserted here), in order.
    /// </summary>
    public List<JsonElement> JsonLines() => JsonLinesOf(Out);

    /// <summary>As <see cref="JsonLines"/>, for standard error (info, warning and error lines with --json).</summary>
    public List<JsonElement> JsonErrorLines() => JsonLinesOf(Error);

    /// <summary>The --json lines of <paramref name="messageType"/>.</summary>
    public List<JsonElement> JsonLines(string messageType) => [.. JsonLines().Where(l => l.GetProperty("messageType").GetString() == messageType)];

    /// <summary>The one <c>summary</c> line, which --json prints last.</summary>
    public JsonElement Summary()
    {
        List<JsonElement> lines = JsonLines();
        Assert.NotEmpty(lines);
        Assert.Equal("summary", lines[^1].GetProperty("messageType").GetString());
        Assert.Single(lines, l => l.GetProperty("messageType").GetString() == "summary");
        return lines[^1];
    }

    private static List<JsonElement> JsonLinesOf(string text)
    {
        var lines = new List<JsonElement>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            JsonProperty first = document.RootElement.EnumerateObject().First();
            Assert.Equal("messageType", first.Name);
            Assert.False(string.IsNullOrEmpty(first.Value.GetString()));
            lines.Add(document.RootElement.Clone());
        }
        return lines;
    }

    public void AssertSuccess() =>
        Assert.True(ExitCode == 0, $"exit code {ExitCode}; stderr: {Error}; stdout: {Out}");
}
