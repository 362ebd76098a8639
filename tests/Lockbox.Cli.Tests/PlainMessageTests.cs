using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>
/// Mistakes that used to surface as the runtime's or the parser's raw words: each is one line saying what to do, and a
/// mistyped command or option is answered with System.CommandLine's own "did you mean".
/// </summary>
public sealed class PlainMessageTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public async Task RestoreToAnExistingFileSaysItNeedsAFolder()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        string file = _w.PathOf("notes.txt");
        File.WriteAllText(file, "mine");

        CliResult result = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", file);

        result.AssertOneLineFailure(2, $"--to {file} is a file: restore writes into a folder (created if missing), e.g. --to restored/.");
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Fact]
    public async Task BackupMediaNamingAFileSaysItNeedsTheFolder()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        var chat = _w.MakeChat(messages: 50, mediaBytes: 0);
        string file = _w.PathOf("photo.jpg");
        File.WriteAllBytes(file, [1, 2, 3]);

        CliResult result = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", file);

        result.AssertOneLineFailure(6, $"--media {file} is a file, not the media folder: name the folder that holds the photos, videos and voice notes.");
    }

    [Theory]
    [InlineData("password status")]
    [InlineData("password reset")]
    [InlineData("disable")]
    public async Task VaultCommandsWithoutRepoOrVaultSayWhatToGive(string command)
    {
        CliResult result = await _w.RunAsync(command.Split(' '));

        result.AssertOneLineFailure(2, $"'lockbox {command}' needs to know the vault: give --repo (the repository remembers its vault and account), or --vault URL and --account ID.");
    }

    [Fact]
    public async Task AVaultWithoutAnAccountSaysToGiveOne()
    {
        CliResult result = await _w.RunAsync("password", "status", "--vault", "https://127.0.0.1:9");

        result.AssertOneLineFailure(2, "'lockbox password status' needs the vault account: give --account ID, or --repo (the repository remembers it).");
    }

    [Theory]
    [InlineData("snapshot --repo R", "did you mean 'snapshots'?")]
    [InlineData("bakup", "did you mean 'backup'?")]
    [InlineData("snapshots --rep R", "did you mean '--repo'?")]
    [InlineData("password stauts", "did you mean 'status'?")]
    public async Task AMistypedCommandOrOptionGetsASuggestion(string line, string suggestion)
    {
        CliResult result = await _w.RunAsync(line.Replace("R", _w.Repository, StringComparison.Ordinal).Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"lockbox: {suggestion}\n", result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n'), l => l.Contains("did you mean", StringComparison.Ordinal));
        result.AssertNoStackTrace();
    }
}
