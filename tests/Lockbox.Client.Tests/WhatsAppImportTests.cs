using System.Security.Cryptography;
using Lockbox.Client.Tests.Support;
using Lockbox.Repository;
using Lockbox.WhatsApp;

namespace Lockbox.Client.Tests;

/// <summary>A user moves their WhatsApp history into the app's Lockbox backups: decrypt, back up, delete the plaintext.</summary>
public sealed class WhatsAppImportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ACrypt15BackupIsImportedAsASnapshotAndNoPlaintextIsLeftBehind()
    {
        using WhatsAppKey key = WhatsAppKey.Import(RandomNumberGenerator.GetBytes(32));
        var (database, backup, repository, phone) = await WhatsAppBackupAndRepositoryAsync(key, messages: 300);

        SnapshotSummary imported = (await phone.ImportWhatsAppAsync(repository, backup, key)).Snapshot;

        Assert.Equal("msgstore.db", imported.DatabaseName);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Sub("scratch")));
        await phone.RestoreAsync(repository, new RestoreOptions { TargetDirectory = _folder.Sub("restored") });
        Assert.Equal(ChatApp.Messages(database), ChatApp.Messages(Path.Combine(_folder.Sub("restored"), "msgstore.db")));
    }

    [Fact]
    public async Task TheImportNeverPutsTheDecryptedDatabaseOnDiskInTheClear()
    {
        using WhatsAppKey key = WhatsAppKey.Import(RandomNumberGenerator.GetBytes(32));
        var (_, backup, repository, phone) = await WhatsAppBackupAndRepositoryAsync(key, messages: 2_000);
        byte[] header = "SQLite format 3\0"u8.ToArray();
        int looked = 0;

        // "finish" comes after the database is read and before the copy is deleted: whatever the import keeps is there.
        await phone.ImportWhatsAppAsync(repository, backup, key, progress: new InlineProgress(p =>
        {
            if (p.Phase != "finish") return;
            string[] files = Directory.GetFiles(_folder.Sub("scratch"), "*", SearchOption.AllDirectories);
            Assert.NotEmpty(files);
            foreach (string file in files)
                Assert.False(File.ReadAllBytes(file).AsSpan().IndexOf(header) >= 0, $"{file} holds an SQLite database in the clear");
            looked++;
        }));

        Assert.Equal(1, looked);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Sub("scratch")));
    }

    private sealed class InlineProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }

    [Fact]
    public async Task AWrongWhatsAppKeyIsReportedAsSuchAndNothingIsBackedUp()
    {
        using WhatsAppKey key = WhatsAppKey.Import(RandomNumberGenerator.GetBytes(32));
        using WhatsAppKey wrong = WhatsAppKey.Import(RandomNumberGenerator.GetBytes(32));
        var (_, backup, repository, phone) = await WhatsAppBackupAndRepositoryAsync(key, messages: 10);

        WhatsAppImportException error = await Assert.ThrowsAsync<WhatsAppImportException>(() => phone.ImportWhatsAppAsync(repository, backup, wrong));

        Assert.Equal(Crypt15Failure.WrongKey, error.Failure);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Sub("scratch")));
        Assert.Empty(await phone.ListSnapshotsAsync(repository));
    }

    /// <summary>A chat encrypted as WhatsApp's msgstore.db.crypt15 under <paramref name="key"/>, and a phone with a fresh repository.</summary>
    private async Task<(string Database, string Backup, string Repository, LockboxClient Phone)> WhatsAppBackupAndRepositoryAsync(WhatsAppKey key, int messages)
    {
        (string database, _) = ChatApp.Create(_folder.Sub("whatsapp"), messages);
        string backup = _folder.Sub("msgstore.db.crypt15");
        Crypt15File.Encrypt(database, key, backup, overwrite: false);
        string repository = _folder.Sub("cloud");
        LockboxClient phone = Phone();
        await phone.CreateAsync(repository);
        return (database, backup, repository, phone);
    }

    /// <summary>A phone whose scratch folder is the test's own, so the test sees what the import leaves there.</summary>
    private LockboxClient Phone()
    {
        Directory.CreateDirectory(_folder.Sub("scratch"));
        return new LockboxClient(new LockboxClientOptions { State = new DeviceState(_folder.Sub("phone")), ScratchDirectory = _folder.Sub("scratch") });
    }
}
