using System.Security.Cryptography;
using Lockbox.Client.Tests.Support;
using Lockbox.Repository;
using Lockbox.WhatsApp;

namespace Lockbox.Client.Tests;

/// <summary>Issue 13: a WhatsApp import is its own source (whatsapp:FILE), so it neither becomes the phone's "latest" nor pushes the phone's snapshots out of forget.</summary>
public sealed class ImportSourceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AnImportIsItsOwnSourceForRestoreAndForget()
    {
        (string phoneDb, _) = ChatApp.Create(_folder.Sub("phone-chat"), messages: 400);
        (string oldDb, _) = ChatApp.Create(_folder.Sub("old-whatsapp"), messages: 120);
        using WhatsAppKey key = WhatsAppKey.Import(RandomNumberGenerator.GetBytes(32));
        string backup = _folder.Sub("msgstore.db.crypt15");
        Crypt15File.Encrypt(oldDb, key, backup, overwrite: false);
        string repository = _folder.Sub("cloud");
        Directory.CreateDirectory(_folder.Sub("scratch"));
        var phone = new LockboxClient(new LockboxClientOptions { State = new DeviceState(_folder.Sub("phone")), ScratchDirectory = _folder.Sub("scratch") });
        await phone.CreateAsync(repository);

        await phone.BackupAsync(repository, new BackupSource(phoneDb, null, "pixel"));
        SnapshotSummary imported = (await phone.ImportWhatsAppAsync(repository, backup, key)).Snapshot;
        Assert.Equal("whatsapp:" + Path.GetFullPath(backup), imported.Source);

        // The import is newer, but "latest" on the phone is the phone's chat, and the result says which source it took.
        RestoreResult r = await phone.RestoreAsync(repository, new RestoreOptions { TargetDirectory = _folder.Sub("out"), ThisDevice = "pixel" });
        Assert.Equal(ChatApp.Messages(phoneDb), ChatApp.Messages(r.DatabasePath));
        Assert.Equal(Path.GetFullPath(phoneDb), r.Source);
        Assert.Contains("2 sources", r.Note, StringComparison.Ordinal);

        RestoreResult fromImport = await phone.RestoreAsync(repository, new RestoreOptions
        {
            TargetDirectory = _folder.Sub("out-import"),
            Filter = new SnapshotFilter { Paths = [imported.SourcePath] },
        });
        Assert.Equal(ChatApp.Messages(oldDb), ChatApp.Messages(fromImport.DatabasePath));
        Assert.Null(fromImport.Note);

        // keep-last 1 keeps the newest of each source: the phone's second backup and the import.
        SnapshotSummary second = (await phone.BackupAsync(repository, new BackupSource(phoneDb, null, "pixel"))).Snapshot;
        ForgetResult forgot = await phone.ForgetAsync(repository, keepLast: 1, prune: true);
        Assert.Equal(1, forgot.SnapshotsRemoved);
        Assert.Equal([imported.Id, second.Id], (await phone.ListSnapshotsAsync(repository)).Select(s => s.Id));
    }
}
