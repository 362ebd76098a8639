using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>`lockbox backup` makes the database's plaintext copy under LOCKBOX_HOME, not the system's temporary folder.</summary>
public sealed class ScratchFolderTests : IDisposable
{
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public async Task BackupMakesItsDatabaseCopyInAPrivateFolderOfTheDeviceHome()
    {
        GeneratedChat chat = _w.MakeChat(mediaBytes: 0);
        Assert.Equal(0, (await _w.RunAsync("init", "--repo", _w.Repository)).ExitCode);

        CliResult backup = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath);

        Assert.True(backup.ExitCode == 0, backup.Error);
        string scratch = Path.Combine(_w.Home, "lockbox-scratch");
        Assert.True(Directory.Exists(scratch));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(scratch));
        Assert.Empty(Directory.GetFileSystemEntries(scratch)); // the copy is gone once the backup is done
    }
}
