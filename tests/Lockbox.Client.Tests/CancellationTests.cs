using Lockbox.Client.Tests.Support;
using Lockbox.Repository;

namespace Lockbox.Client.Tests;

/// <summary>An app stops a backup (the user leaves the Wi-Fi, the OS ends the background task): the SDK honours the token.</summary>
public sealed class CancellationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ABackupCancelledMidwayStopsAndTheNextOneCompletes()
    {
        (string database, string media) = ChatApp.Create(_folder.Sub("chat"), messages: 20_000);
        string repository = _folder.Sub("cloud");
        LockboxClient phone = Device.Client(_folder.Sub("phone"));
        await phone.CreateAsync(repository);
        using var stop = new CancellationTokenSource();
        var progress = new RecordingProgress<BackupProgress>(_ => stop.Cancel());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            phone.BackupAsync(repository, new BackupSource(database, media, "phone"), progress, stop.Token));

        Assert.NotEmpty(progress.Reports);
        Assert.Empty(await phone.ListSnapshotsAsync(repository));
        SnapshotSummary next = (await phone.BackupAsync(repository, new BackupSource(database, media, "phone"))).Snapshot;
        Assert.Equal(1, next.Sequence);
        Assert.True((await phone.VerifyAsync(repository, readData: true)).IsHealthy);
    }

    [Fact]
    public async Task ACancelledTokenStopsARestoreBeforeItWritesAnything()
    {
        (string database, string media) = ChatApp.Create(_folder.Sub("chat"), messages: 100);
        string repository = _folder.Sub("cloud");
        LockboxClient phone = Device.Client(_folder.Sub("phone"));
        await phone.CreateAsync(repository);
        await phone.BackupAsync(repository, new BackupSource(database, media, "phone"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            phone.RestoreAsync(repository, new RestoreOptions { TargetDirectory = _folder.Sub("restored") }, cancellationToken: new CancellationToken(canceled: true)));
        Assert.False(File.Exists(Path.Combine(_folder.Sub("restored"), "chat.db")));
    }
}
