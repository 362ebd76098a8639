using System.Security.Cryptography;
using System.Text;
using Lockbox.Cryptography;

namespace Lockbox.Client;

/// <summary>
/// What this device remembers between runs (DESIGN.md, "Keys"): the backup key K, like WhatsApp's
/// <c>encrypted_backup.key</c>, and per-repository facts such as the newest snapshot sequence seen,
/// so a store that hides or rolls back the newest snapshot is noticed.
/// </summary>
/// <remarks>
/// Lives in the directory the app gives (<see cref="ForUser"/>: <c>~/.lockbox</c>): it is mode 0700 and every file
/// 0600; every write goes to a temporary file that is flushed to disk and renamed over the old one,
/// so a crash leaves either the old or the new file, never a torn one. The key file is not encrypted
/// at rest: this host has no platform keystore.
/// </remarks>
public sealed class DeviceState
{
    private const string KeyFileName = "backup.key";
    private const string RepositoriesDirectory = "repositories";

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Opens (without creating anything yet) the device state in <paramref name="directory"/>.</summary>
    public DeviceState(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The state directory.</summary>
    public string Directory { get; }

    /// <summary>The user's default device state, <c>~/.lockbox</c> (an app on a phone passes its private folder instead).</summary>
    public static DeviceState ForUser() =>
        new(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".lockbox"));

    /// <summary>True when this device holds a backup key.</summary>
    public bool HasKey => File.Exists(KeyPath);

    private string KeyPath => Path.Combine(Directory, KeyFileName);

    /// <summary>Reads K, or returns null when this device has none (a new device).</summary>
    /// <exception cref="DeviceStateException">The key file exists but cannot be read or is damaged.</exception>
    public BackupKey? TryLoadKey()
    {
        string text;
        try
        {
            if (!File.Exists(KeyPath)) return null;
            text = File.ReadAllText(KeyPath, Encoding.ASCII);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeviceStateException($"Cannot read the device's backup key in {Directory}: {e.Message}", e);
        }

        if (!BackupKey.TryParse(text.Trim(), out BackupKey? key, out _))
            throw new DeviceStateException($"The device's backup key file {KeyPath} is damaged; restore it from the 64-digit key.");
        return key;
    }

    /// <summary>Stores K as this device's backup key, replacing any previous one atomically.</summary>
    public void SaveKey(BackupKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] raw = new byte[BackupKey.Size];
        byte[]? text = null;
        try
        {
            key.CopyTo(raw);
            text = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(raw) + "\n");
            WriteAtomically(KeyPath, text);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
            if (text is not null) CryptographicOperations.ZeroMemory(text);
        }
    }

    /// <summary>What this device last saw of the repository at <paramref name="address"/>, or null.</summary>
    public RepositoryFacts? TryLoadFacts(string address)
    {
        string path = FactsPath(address);
        try
        {
            if (!File.Exists(path)) return null;
            return RepositoryFacts.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeviceStateException($"Cannot read device state file {path}: {e.Message}", e);
        }
        catch (FormatException)
        {
            throw new DeviceStateException($"Device state file {path} is damaged; delete it to forget what this device saw of {address}.");
        }
    }

    /// <summary>Records what this device has now seen of a repository.</summary>
    public void SaveFacts(RepositoryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        WriteAtomically(FactsPath(facts.Address), facts.ToJson());
    }

    private string FactsPath(string address)
    {
        // The file name is a hash of the address, so addresses with any characters map to safe names.
        string name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)).AsSpan(0, 16)) + ".json";
        return Path.Combine(Directory, RepositoriesDirectory, name);
    }

    private void EnsureDirectory(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                System.IO.Directory.CreateDirectory(path);
                return;
            }
            if (!System.IO.Directory.Exists(path))
                System.IO.Directory.CreateDirectory(path, DirectoryMode);
            if ((File.GetUnixFileMode(path) & ~DirectoryMode) != 0)
                File.SetUnixFileMode(path, DirectoryMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeviceStateException($"Cannot create the device state directory {path}: {e.Message}", e);
        }
    }

    private void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        EnsureDirectory(Directory);
        string parent = Path.GetDirectoryName(path)!;
        EnsureDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(path)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFileMode;
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new DeviceStateException($"Cannot write device state file {path}: {e.Message}", e);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
