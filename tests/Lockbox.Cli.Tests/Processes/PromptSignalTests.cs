using System.Diagnostics;
using System.Text;

namespace Lockbox.Cli.Tests.Processes;

/// <summary>
/// A real <c>lockbox</c> waiting at its hidden key prompt on a real terminal (a pseudo-terminal from script(1)):
/// SIGTERM, or Ctrl-C typed at the terminal, ends it with exit 130 instead of leaving it waiting.
/// </summary>
public sealed class PromptSignalTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);
    private readonly Support.Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Theory]
    [InlineData("TERM")]
    [InlineData("ctrl-c")]
    public async Task SignalAtTheKeyPromptEndsWith130(string how)
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        string pidFile = _w.PathOf("lockbox.pid");
        string dll = Path.Combine(AppContext.BaseDirectory, "lockbox.dll");
        // A device with no key and no LOCKBOX_KEY: lockbox asks for the key at the terminal. script(1) runs the
        // command with $SHELL -c; that shell writes its own pid and execs lockbox in place, so the pid is lockbox's
        // whatever the shell (a nested sh -c would expand $$ in the outer shell, which dash does not replace).
        // env --default-signal=INT: a test run started in the background by a non-interactive shell inherits SIGINT
        // ignored, and a process that starts with SIGINT ignored rightly keeps ignoring it; the terminal's Ctrl-C
        // must reach lockbox as it would for a person at a terminal.
        string command = $"echo $$ > '{pidFile}'; exec env --default-signal=INT dotnet '{dll}' snapshots --repo '{_w.Repository}'";
        var start = new ProcessStartInfo("script", ["-qec", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("LOCKBOX_KEY");
        start.Environment["LOCKBOX_HOME"] = _w.PathOf("new-device");
        using Process script = Process.Start(start)!;
        var output = new StringBuilder();
        var prompted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task reader = Task.Run(async () =>
        {
            char[] buffer = new char[256];
            int n;
            while ((n = await script.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (output)
                {
                    output.Append(buffer, 0, n);
                    if (output.ToString().Contains("64-digit backup key:", StringComparison.Ordinal)) prompted.TrySetResult();
                }
            }
            prompted.TrySetResult();
        });
        try
        {
            await prompted.Task.WaitAsync(Limit);
            Assert.Contains("64-digit backup key:", Snapshot(output), StringComparison.Ordinal);
            if (how == "TERM")
            {
                string pid = File.ReadAllText(pidFile).Trim();
                using Process kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid }, UseShellExecute = false })!;
                await kill.WaitForExitAsync();
            }
            else
            {
                await script.StandardInput.WriteAsync('\x03'); // the terminal turns it into SIGINT
                await script.StandardInput.FlushAsync();
            }
            using var timeout = new CancellationTokenSource(Limit);
            await script.WaitForExitAsync(timeout.Token);
            await reader;
        }
        finally
        {
            if (!script.HasExited) script.Kill(entireProcessTree: true);
        }
        Assert.True(script.ExitCode == 130, $"exit {script.ExitCode}; terminal: {Snapshot(output)}");
        Assert.Contains("lockbox: cancelled at the prompt; nothing was changed.", Snapshot(output), StringComparison.Ordinal);
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output) return output.ToString();
    }
}
