using System.Diagnostics;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests.Processes;

/// <summary>
/// Issue 13: <c>lockbox completion bash</c>. A non-interactive bash sources the script, sets COMP_WORDS/COMP_CWORD as
/// bash does at a TAB, and calls the completion function, which asks the real lockbox program (its [suggest] directive).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CompletionTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    /// <summary>A <c>lockbox</c> on PATH that runs the built program, and the completion script it prints.</summary>
    private async Task<string> InstallAsync()
    {
        string bin = _w.PathOf("bin");
        Directory.CreateDirectory(bin);
        string lockbox = Path.Combine(bin, "lockbox");
        await File.WriteAllTextAsync(lockbox, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "lockbox.dll")}' \"$@\"\n");
        File.SetUnixFileMode(lockbox, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        CliResult script = await _w.RunAsync("completion", "bash");
        script.AssertSuccess();
        string path = _w.PathOf("lockbox.bash");
        await File.WriteAllTextAsync(path, script.Out);
        return path;
    }

    /// <summary>What bash offers for the words typed so far (the last one is the word being completed).</summary>
    private async Task<string[]> CompleteAsync(string script, params string[] words)
    {
        string quoted = string.Join(' ', words.Select(w => "'" + w.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={words.Length - 1}; COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; _lockbox; printf '%s\\n' \"${{COMPREPLY[@]}}\"");
        start.Environment["PATH"] = _w.PathOf("bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["LOCKBOX_HOME"] = _w.Home;
        using Process bash = Process.Start(start)!;
        Task<string> output = bash.StandardOutput.ReadToEndAsync();
        Task<string> error = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await bash.WaitForExitAsync(timeout.Token);
        Assert.True(bash.ExitCode == 0, await error);
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task BashCompletesCommandsAndOptions()
    {
        string script = await InstallAsync();
        Assert.Equal(["restore"], await CompleteAsync(script, "lockbox", "res"));
        Assert.Equal(["snapshots", "stats"], await CompleteAsync(script, "lockbox", "s"));
        Assert.Equal(["--media-only"], await CompleteAsync(script, "lockbox", "restore", "--med"));
        Assert.Equal(["--keep-daily", "--keep-last", "--keep-monthly", "--keep-weekly"], (await CompleteAsync(script, "lockbox", "forget", "--keep-")).Order(StringComparer.Ordinal));
        // After a command, an empty word offers its subcommands and options, not the top-level commands.
        string[] afterKey = await CompleteAsync(script, "lockbox", "key", "");
        Assert.Contains("show", afterKey);
        Assert.Contains("--json", afterKey);
        Assert.DoesNotContain("restore", afterKey);
    }

    /// <summary>Runs <paramref name="script"/> in <paramref name="shell"/> (-c) with the test's lockbox on PATH; its stdout lines.</summary>
    private async Task<string[]> RunShellAsync(string shell, string script)
    {
        var start = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["PATH"] = _w.PathOf("bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["LOCKBOX_HOME"] = _w.Home;
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await error);
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Fails unless <paramref name="shell"/> is installed (./test installs zsh and fish), so no completion test passes untried.</summary>
    private static void RequireShell(string shell) =>
        Assert.True((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, shell))),
            $"{shell} is not installed; ./test installs it (apt-get install {shell})");

    [Fact]
    public async Task FishCompletesThroughItsOwnCompleteCommand()
    {
        RequireShell("fish");
        await InstallAsync();
        CliResult script = await _w.RunAsync("completion", "fish");
        string path = _w.PathOf("lockbox.fish");
        await File.WriteAllTextAsync(path, script.Out);
        Assert.Equal(["restore"], await RunShellAsync("fish", $"source '{path}'; complete -C 'lockbox res'"));
        Assert.Equal(["--media-only"], await RunShellAsync("fish", $"source '{path}'; complete -C 'lockbox restore --med'"));
    }

    [Fact]
    public async Task ZshOffersWhatLockboxSuggests()
    {
        RequireShell("zsh");
        await InstallAsync();
        CliResult script = await _w.RunAsync("completion", "zsh");
        string path = _w.PathOf("lockbox.zsh");
        await File.WriteAllTextAsync(path, script.Out);
        // Outside a completion widget compadd does not exist: a stand-in prints what the function offers (zsh's own
        // compadd then keeps those that start with the word typed).
        const string compadd = "compadd() { shift; printf '%s\\n' \"$@\"; }";
        Assert.Equal(["--media-only"], await RunShellAsync("zsh", $"source '{path}'; {compadd}; words=(lockbox restore --med); CURRENT=3; _lockbox"));
        Assert.Contains("restore", await RunShellAsync("zsh", $"source '{path}'; {compadd}; words=(lockbox res); CURRENT=2; _lockbox"));
    }

    [Fact]
    public async Task EveryShellGetsAScriptAndAnUnknownShellIsAUsageError()
    {
        foreach (string shell in new[] { "bash", "zsh", "fish" })
        {
            CliResult script = await _w.RunAsync("completion", shell);
            script.AssertSuccess();
            Assert.Contains("[suggest:", script.Out, StringComparison.Ordinal);
        }
        CliResult unknown = await _w.RunAsync("completion", "powershell");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("powershell", unknown.Error, StringComparison.Ordinal);
    }
}
