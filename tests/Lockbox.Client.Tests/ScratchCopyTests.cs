using Lockbox.Client.Tests.Support;
using Lockbox.Repository;

namespace Lockbox.Client.Tests;

/// <summary>
/// The consistent copy of the chat database a backup reads (sealed, SECURITY.md 5a): the SDK makes it under the device's own state
/// folder (a 0700 <c>lockbox-scratch</c> folder there), not under the system's shared temporary folder.
/// </summary>
public sealed class ScratchCopyTests
{
    [Fact]
    public async Task ABackupCopiesTheDatabaseUnderTheDeviceStateFolder()
    {
        using var folder = new TempFolder();
        (string database, string media) = ChatApp.Create(folder.Sub("chat"), messages: 100);
        string state = folder.Sub("phone");
        LockboxClient phone = Device.Client(state);
        await phone.CreateAsync(folder.Sub("cloud"));
        var seen = new List<string>();
        // While the backup runs, the copy exists: look for it when the engine reports progress.
        var progress = new SynchronousProgress<BackupProgress>(_ =>
        {
            string scratch = Path.Combine(state, "lockbox-scratch");
            if (Directory.Exists(scratch)) seen.AddRange(Directory.GetFiles(scratch));
        });

        await phone.BackupAsync(folder.Sub("cloud"), new BackupSource(database, media, "phone"), progress);

        string scratchFolder = Path.Combine(state, "lockbox-scratch");
        Assert.True(Directory.Exists(scratchFolder));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(scratchFolder));
        Assert.NotEmpty(seen);
        Assert.All(seen, f => Assert.StartsWith(scratchFolder + Path.DirectorySeparatorChar, f, StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(scratchFolder)); // deleted after the backup
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
