using Lockbox.Repository;
using Lockbox.Repository.Sources;
using Lockbox.WhatsApp;

namespace Lockbox.Client;

// Moving an existing WhatsApp backup into Lockbox (docs/WHATSAPP.md).
public sealed partial class LockboxClient
{
    /// <summary>
    /// Imports a WhatsApp crypt15/crypt14 message-database backup: decrypts it into a sealed scratch copy (encrypted under
    /// a key that lives only in this process, in a private folder of mode 0700 under
    /// <see cref="LockboxClientOptions.ScratchDirectory"/>, removed afterwards whatever happens), backs the database up as
    /// a new snapshot, and deletes the copy.
    /// </summary>
    /// <param name="address">The Lockbox repository to back up into.</param>
    /// <param name="backupFile">The WhatsApp backup, e.g. msgstore.db.crypt15.</param>
    /// <param name="key">The WhatsApp backup's key (not Lockbox's); the caller keeps and disposes it.</param>
    /// <param name="device">The name recorded in the snapshot.</param>
    /// <exception cref="WhatsAppImportException">The backup does not decrypt with the key, is damaged, or is not a message database.</exception>
    public async Task<BackupResult> ImportWhatsAppAsync(string address, string backupFile, WhatsAppKey key, string device = "WhatsApp import",
        IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupFile);
        ArgumentNullException.ThrowIfNull(key);
        DirectoryInfo scratch = CreateScratch();
        try
        {
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(scratch.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            string database = Path.Combine(scratch.FullName, DatabaseName(backupFile));
            byte[] file = await File.ReadAllBytesAsync(backupFile, cancellationToken).ConfigureAwait(false);
            // Decrypted straight into a sealed copy (docs/SECURITY.md 5a): the chat history is never on disk in the clear.
            Crypt15Result? result = null;
            using SqliteSnapshot? copy = SqliteSnapshot.Seal(Path.GetFileName(database), scratch.FullName, output =>
            {
                result = Crypt15Reader.Decrypt(file, key, output);
                return result.Succeeded && result.Payload == Crypt15Payload.Zlib;
            });
            if (result!.Failure != Crypt15Failure.None)
                throw new WhatsAppImportException(result.Failure, $"{backupFile}: {result.Error}");
            if (copy is null)
                throw new WhatsAppImportException(Crypt15Failure.None, $"{backupFile} is a multi-file WhatsApp backup (a zip archive), not a message database: extract it first.");
            return await BackupAsync(address, new BackupSource(database, null, device)
            {
                Copy = copy,
                // The snapshot's source is the file imported, not the scratch copy (issue 13: imports form their own group).
                SourcePath = "whatsapp:" + Path.GetFullPath(backupFile),
            }, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The decrypted chat history must not outlive the import.
            scratch.Delete(recursive: true);
        }
    }

    private DirectoryInfo CreateScratch()
    {
        if (_options.ScratchDirectory is null) return Directory.CreateTempSubdirectory("lockbox-whatsapp-");
        string path = Path.Combine(_options.ScratchDirectory, "lockbox-whatsapp-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));
        return OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    // msgstore.db.crypt15 -> msgstore.db, so the snapshot names the database as the phone did.
    private static string DatabaseName(string input)
    {
        string name = Path.GetFileName(input);
        int dot = name.LastIndexOf(".crypt", StringComparison.OrdinalIgnoreCase);
        string stem = dot > 0 ? name[..dot] : Path.GetFileNameWithoutExtension(name);
        return stem.Length == 0 ? "msgstore.db" : stem;
    }
}
