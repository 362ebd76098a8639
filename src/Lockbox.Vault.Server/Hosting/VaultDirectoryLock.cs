using Lockbox.Vault.Core;

namespace Lockbox.Vault.Server.Hosting;

/// <summary>
/// The serving process's exclusive hold on a vault directory: <c>DIR/vault.lock</c> opened with
/// <see cref="FileShare.None"/> (on Linux and macOS .NET takes a non-blocking exclusive <c>flock</c>), kept
/// open for as long as the node runs. Two nodes on one directory would keep separate guess counters and
/// each append to the same log; the second one is refused instead. The kernel drops the lock when the
/// process dies, so a crash never leaves a stale lock.
/// </summary>
internal sealed class VaultDirectoryLock : IDisposable
{
    public const string FileName = "vault.lock";

    private readonly FileStream _file;

    private VaultDirectoryLock(FileStream file) => _file = file;

    public static VaultDirectoryLock Acquire(string directory)
    {
        string path = Path.Combine(directory, FileName);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            return new VaultDirectoryLock(new FileStream(path, options));
        }
        catch (IOException)
        {
            throw new VaultConfigurationException($"{directory} is already served by another vault process (it holds {FileName}); stop it first, one process per vault directory.");
        }
        catch (UnauthorizedAccessException)
        {
            throw new VaultConfigurationException($"Cannot open {path} to lock the vault directory (permission denied).");
        }
    }

    public void Dispose() => _file.Dispose();
}
