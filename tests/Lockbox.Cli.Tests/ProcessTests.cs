using System.Diagnostics;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>The built <c>lockbox</c> program as a separate process: real entry point, real redirected console.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private async Task<CliResult> RunProcessAsync(Dictionary<string, string> environment, params string[] args)
    {
        ProcessStartInfo start = Processes.LockboxProcess.StartInfo(_w.Home, args);
        foreach ((string k, string v) in environment) start.Environment[k] = v;
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task RealProcessInitsBacksUpAndReportsErrorsInOneLine()
    {
        CliResult help = await RunProcessAsync([], "--help");
        help.AssertSuccess();
        Assert.Contains("backup", help.Out, StringComparison.Ordinal);

        CliResult init = await RunProcessAsync([], "init", "--repo", _w.Repository, "--json");
        init.AssertSuccess();
        Assert.Matches("^\\{\"messageType\":\"summary\",\"key\":\"[0-9a-f]{64}\",", init.Out);

        CliResult missing = await RunProcessAsync([], "backup", "--repo", _w.Repository, "--db", _w.PathOf("missing.db"));
        missing.AssertOneLineFailure(6, "does not exist");

        // Stdin is not a terminal: no prompt, a clear message instead.
        CliResult noKey = await RunProcessAsync(new() { ["LOCKBOX_HOME"] = _w.PathOf("other-device") }, "snapshots", "--repo", _w.Repository);
        noKey.AssertOneLineFailure(2, "LOCKBOX_KEY");
    }
}
