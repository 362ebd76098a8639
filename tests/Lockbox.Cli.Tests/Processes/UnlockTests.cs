using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests.Processes;

/// <summary>
/// <c>lockbox unlock</c> against locks real processes left: a killed backup's lock is stale and removed; a live
/// holder's lock is kept (exit 8) unless <c>--remove-all</c>, which warns; the refusal names the command.
/// </summary>
public sealed class UnlockTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private string LockPath => Path.Combine(_w.Repository, "locks", "lock");

    private string[] BackupArgs(GeneratedChat chat) =>
        ["backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory];

    [Fact]
    public async Task UnlockRemovesTheLockOfAKilledBackupAndSaysWhenThereIsNone()
    {
        GeneratedChat chat = _w.MakeChat(messages: 3_000, mediaBytes: 24L << 20);
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();

        CliResult none = await _w.RunAsync("unlock", "--repo", _w.Repository);
        none.AssertSuccess();
        Assert.Equal("The repository is not locked.", none.Out.Trim());

        int holder;
        using (LockboxProcess run = LockboxProcess.Start(_w.Home, BackupArgs(chat)))
        {
            holder = run.Id;
            await run.StopWhileHoldingAsync(LockPath, Limit);
            run.Signal("KILL");
            Assert.Equal(137, (await run.WaitAsync(Limit)).ExitCode);
        }
        Assert.True(File.Exists(LockPath));

        CliResult unlock = await _w.RunAsync("unlock", "--repo", _w.Repository);
        unlock.AssertSuccess();
        Assert.Matches($@"^Removed the lock of backup on .+ \(process {holder}\) since .+\.$", unlock.Out.Trim());
        Assert.DoesNotContain("warning", unlock.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(LockPath));
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath)).AssertSuccess();
        (await _w.RunAsync("verify", "--repo", _w.Repository, "--read-data")).AssertSuccess();
    }

    [Fact]
    public async Task ALiveHoldersLockIsKeptUntilRemoveAllWhichWarns()
    {
        GeneratedChat chat = _w.MakeChat(messages: 3_000, mediaBytes: 24L << 20);
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();

        // A backup that holds the lock and is still alive (stopped, as a hung process would be).
        using LockboxProcess holder = LockboxProcess.Start(_w.Home, BackupArgs(chat));
        await holder.StopWhileHoldingAsync(LockPath, Limit);
        try
        {
            CliResult refused = await _w.RunAsync(BackupArgs(chat));
            refused.AssertOneLineFailure(8, $"locked by backup on {Environment.MachineName} (process {holder.Id})");
            Assert.Contains("'lockbox unlock --remove-all --repo <repository>'", refused.Error, StringComparison.Ordinal);

            CliResult kept = await _w.RunAsync("unlock", "--repo", _w.Repository);
            kept.AssertOneLineFailure(8, "may still be running; nothing removed");
            Assert.Contains("--remove-all", kept.Error, StringComparison.Ordinal);
            Assert.True(File.Exists(LockPath));

            CliResult removed = await _w.RunAsync("unlock", "--repo", _w.Repository, "--remove-all");
            removed.AssertSuccess();
            Assert.StartsWith($"lockbox: warning: removed the lock of backup on {Environment.MachineName} (process {holder.Id})", removed.Error, StringComparison.Ordinal);
            Assert.StartsWith("Removed the lock of backup on", removed.Out, StringComparison.Ordinal);
            Assert.False(File.Exists(LockPath));
        }
        finally
        {
            holder.Signal("KILL");
            await holder.WaitAsync(Limit);
        }
        (await _w.RunAsync(BackupArgs(chat))).AssertSuccess();
        (await _w.RunAsync("verify", "--repo", _w.Repository)).AssertSuccess();
    }
}
