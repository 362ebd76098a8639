using System.Diagnostics;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests.Processes;

/// <summary>
/// A real <c>lockbox backup</c> process stopped by SIGINT (Ctrl-C) or SIGTERM at points spread over the whole backup,
/// and killed with SIGKILL: it ends with 130 (or 0 when it had finished) and one final line, never leaves the
/// repository locked, and the repository verifies; a lock a killed process left is cleared by the next backup.
/// </summary>
public sealed class InterruptedBackupTests : IDisposable
{
    private const int Runs = 20;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private string[] BackupArgs(string repository, GeneratedChat chat) =>
        ["backup", "--repo", repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory];

    private static bool LockExists(string repository) => File.Exists(Path.Combine(repository, "locks", "lock"));

    [Fact]
    public async Task SignalsAtSpreadPointsOfABackupEndWith130OneLineAndNoLock()
    {
        GeneratedChat chat = _w.MakeChat(messages: 6_000, mediaBytes: 24L << 20);
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();

        // How long a whole backup runs after its first line: the signals are spread over that span.
        var clock = new Stopwatch();
        using (LockboxProcess whole = LockboxProcess.Start(_w.Home, BackupArgs(_w.Repository, chat)))
        {
            await whole.FirstErrorLine;
            clock.Start();
            (await whole.WaitAsync(Limit)).AssertSuccess();
            clock.Stop();
        }
        TimeSpan span = clock.Elapsed;

        int cancelled = 0;
        for (int i = 0; i < Runs; i++)
        {
            string repository = _w.PathOf($"repo-{i}");
            (await _w.RunAsync("init", "--repo", repository)).AssertSuccess();
            string signal = i % 2 == 0 ? "INT" : "TERM";
            TimeSpan delay = span * ((i + 0.5) / Runs);

            CliResult result;
            using (LockboxProcess run = LockboxProcess.Start(_w.Home, BackupArgs(repository, chat)))
            {
                await run.FirstErrorLine;
                await Task.Delay(delay);
                run.Signal(signal);
                result = await run.WaitAsync(Limit);
            }

            string context = $"run {i}, SIG{signal} after {delay.TotalMilliseconds:F0} ms: exit {result.ExitCode}; stderr: {result.Error}; stdout: {result.Out}";
            Assert.True(result.ExitCode is 0 or 130, context);
            Assert.DoesNotContain("Unexpected error", result.Error, StringComparison.Ordinal);
            result.AssertNoStackTrace();
            string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.StartsWith("lockbox:", StringComparison.Ordinal) && !l.StartsWith("lockbox: stopping", StringComparison.Ordinal)).ToArray();
            if (result.ExitCode == 130)
            {
                cancelled++;
                Assert.True(lines.Length == 1 && lines[0].StartsWith("lockbox: Cancelled.", StringComparison.Ordinal), context);
                Assert.Equal("", result.Out);
            }
            else
            {
                Assert.True(lines.Length == 0, context);
                Assert.StartsWith("Snapshot ", result.Out, StringComparison.Ordinal);
            }
            Assert.False(LockExists(repository), $"lock left behind: {context}");
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(repository, "locks")));
            (await _w.RunAsync("verify", "--repo", repository)).AssertSuccess();
            Directory.Delete(repository, recursive: true);
        }
        // The spread reached into the backup: most signals arrived while it was running.
        // How many signals land before the end depends on the machine's load (the span was measured on one run); every
        // run's invariants above hold either way. A lockbox that ignored the signals would finish all 20: that fails here.
        Assert.True(cancelled >= 1, $"none of {Runs} runs was stopped before it finished");
    }

    [Fact]
    public async Task LockOfAKilledBackupIsClearedByTheNextBackupOnThisHost()
    {
        GeneratedChat chat = _w.MakeChat(messages: 6_000, mediaBytes: 24L << 20);
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();

        // SIGKILL runs no handler: the lock stays, held by a process that no longer exists.
        using (LockboxProcess run = LockboxProcess.Start(_w.Home, BackupArgs(_w.Repository, chat)))
        {
            await run.StopWhileHoldingAsync(Path.Combine(_w.Repository, "locks", "lock"), Limit);
            run.Signal("KILL");
            CliResult killed = await run.WaitAsync(Limit);
            Assert.Equal(137, killed.ExitCode);
        }
        Assert.True(LockExists(_w.Repository));

        // Another process of this host sees the holder is gone, says so in one line, and backs up.
        using (LockboxProcess next = LockboxProcess.Start(_w.Home, BackupArgs(_w.Repository, chat)))
        {
            CliResult result = await next.WaitAsync(Limit);
            result.AssertSuccess();
            string notice = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("lockbox:", StringComparison.Ordinal));
            Assert.Matches(@"^lockbox: removed a stale lock: backup on .+ \(process \d+\) since .+ is no longer running\.$", notice);
        }
        Assert.False(LockExists(_w.Repository));
        (await _w.RunAsync("verify", "--repo", _w.Repository, "--read-data")).AssertSuccess();
    }
}
