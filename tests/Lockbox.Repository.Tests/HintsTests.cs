using Lockbox.Cryptography;
using Lockbox.Repository;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Tests;

/// <summary>The hints a new device reads before it has K: vault, account and password stretching parameters.</summary>
public sealed class HintsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lockbox-hints-").FullName;

    [Fact]
    public async Task HintsWithKeyStretchingReadBackWithoutTheKeyAndOpenWithIt()
    {
        var store = new FolderBlobStore(_dir);
        using BackupKey key = BackupKey.Generate();
        var hints = new RepositoryHints("https://vault.example", "acct-7", "t=3,m=65536,p=4");

        await (await BackupRepository.InitAsync(store, key, hints)).DisposeAsync();

        Assert.Equal(hints, await BackupRepository.ReadHintsAsync(store));
        await (await BackupRepository.OpenAsync(store, key)).DisposeAsync();
    }

    [Fact]
    public async Task ChangedKeyStretchingHintIsTamperOnceTheKeyIsKnown()
    {
        var store = new FolderBlobStore(_dir);
        using BackupKey key = BackupKey.Generate();
        await (await BackupRepository.InitAsync(store, key, new RepositoryHints(null, null, "t=3,m=65536,p=4"))).DisposeAsync();

        string config = Path.Combine(_dir, "config");
        byte[] bytes = await File.ReadAllBytesAsync(config);
        int at = bytes.AsSpan().IndexOf("t=3"u8);
        Assert.True(at > 0);
        bytes[at + 2] = (byte)'1';   // t=1: a cheaper stretch an attacker would like the device to run
        File.SetAttributes(config, FileAttributes.Normal);
        await File.WriteAllBytesAsync(config, bytes);

        Assert.Equal("t=1,m=65536,p=4", (await BackupRepository.ReadHintsAsync(store))!.KeyStretching);
        await Assert.ThrowsAsync<RepositoryDamagedException>(() => BackupRepository.OpenAsync(store, key));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
