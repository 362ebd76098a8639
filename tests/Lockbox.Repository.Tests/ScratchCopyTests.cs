using Lockbox.Repository.Sources;
using Lockbox.Repository.Tests.Support;

namespace Lockbox.Repository.Tests;

/// <summary>
/// The (sealed) consistent copy of the database (FORMAT.md section 8): private to the user (0600 in a 0700 folder),
/// deleted after the backup, and deleted by the next backup when a crash left it behind.
/// </summary>
public sealed class ScratchCopyTests
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Copy = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void CopyIsReadableOnlyByTheUserAndGoneAfterUse()
    {
        if (OperatingSystem.IsWindows()) return;
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 2_000);
        string state = f.NewFolder("state");
        Directory.CreateDirectory(state);
        string path;
        using (SqliteSnapshot copy = SqliteSnapshot.Create(db, state))
        {
            path = copy.Path;
            Assert.Equal(Path.Combine(state, "lockbox-scratch"), Path.GetDirectoryName(path));
            Assert.Equal(Copy, File.GetUnixFileMode(path));
            Assert.Equal(Folder, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            Assert.Equal(new FileInfo(db).Length, copy.Length);
        }
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(state, "lockbox-scratch")));
    }

    [Fact]
    public void AnOpenScratchFolderIsClosedAgain()
    {
        if (OperatingSystem.IsWindows()) return;
        using var f = new Fixture();
        string scratch = Path.Combine(f.NewFolder("state"), "lockbox-scratch");
        Directory.CreateDirectory(scratch);
        File.SetUnixFileMode(scratch, Folder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Assert.Equal(scratch, SqliteSnapshot.ScratchFolder(f.NewFolder("state")));
        Assert.Equal(Folder, File.GetUnixFileMode(scratch));
    }

    [Fact]
    public void ALinkInPlaceOfTheScratchFolderIsRefused()
    {
        if (OperatingSystem.IsWindows()) return;
        using var f = new Fixture();
        string elsewhere = f.NewFolder("elsewhere");
        Directory.CreateDirectory(elsewhere);
        string state = f.NewFolder("state");
        Directory.CreateDirectory(state);
        Directory.CreateSymbolicLink(Path.Combine(state, "lockbox-scratch"), elsewhere);
        var e = Assert.Throws<SourceException>(() => SqliteSnapshot.ScratchFolder(state));
        Assert.Contains("is a link", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task ABackupRemovesCopiesThatEndedProcessesLeftAndKeepsLiveOnes()
    {
        using var f = new Fixture();
        string db = ChatData.CreateDatabase(f.Source, 2_000);
        string state = f.NewFolder("state");
        string scratch = SqliteSnapshot.ScratchFolder(state);
        // A copy left by a process that has ended (no such process id), with its journal, and one of this live process.
        string dead = Path.Combine(scratch, "db-4194305-1700000000000-0123456789abcdef.sqlite");
        File.WriteAllText(dead, "plaintext chats");
        File.WriteAllText(dead + "-journal", "more");
        long started = new DateTimeOffset(System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
        string live = Path.Combine(scratch, $"db-{Environment.ProcessId}-{started}-fedcba9876543210.sqlite");
        File.WriteAllText(live, "in use");

        await using var repo = await f.InitAsync();
        SnapshotSummary s = await repo.BackupAsync(new BackupSource(db, null) { ScratchDirectory = state });

        Assert.Equal([live], Directory.GetFiles(scratch));
        RestoreResult r = await repo.RestoreAsync(s.Id, f.NewFolder("out"));
        Assert.Equal(ChatData.Dump(db), ChatData.Dump(r.DatabasePath));
    }
}
