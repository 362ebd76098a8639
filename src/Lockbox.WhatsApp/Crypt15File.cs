using System.Security.Cryptography;

namespace Lockbox.WhatsApp;

/// <summary>
/// The file edge of the crypt15 reader and writer: reads the input, writes the output through a
/// temporary file in the target's folder (owner-only permissions) and renames it into place only
/// when everything succeeded. On any failure no output file exists, and an existing file is only
/// replaced when the caller says so.
/// </summary>
public static class Crypt15File
{
    /// <summary>
    /// Decrypts the backup at <paramref name="inputPath"/> into <paramref name="outputPath"/>.
    /// A failed decryption is a result (<see cref="Crypt15Result.Failure"/>), not an exception; I/O
    /// problems (missing input, existing output without <paramref name="overwrite"/>) throw <see cref="IOException"/>.
    /// </summary>
    public static Crypt15Result Decrypt(string inputPath, WhatsAppKey key, string outputPath, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] file = File.ReadAllBytes(inputPath);
        Crypt15Result? result = null;
        WriteAtomically(outputPath, overwrite, stream =>
        {
            result = Crypt15Reader.Decrypt(file, key, stream);
            return result.Succeeded;
        });
        return result!;
    }

    /// <summary>Encrypts the database at <paramref name="databasePath"/> into a crypt15 file at <paramref name="outputPath"/>.</summary>
    public static Crypt15Header Encrypt(string databasePath, WhatsAppKey key, string outputPath, bool overwrite, Crypt15Header? template = null)
    {
        using FileStream input = File.OpenRead(databasePath);
        return Encrypt(input, key, outputPath, overwrite, template);
    }

    /// <summary>Encrypts the database read from <paramref name="database"/> (to its end) into a crypt15 file at <paramref name="outputPath"/>.</summary>
    public static Crypt15Header Encrypt(Stream database, WhatsAppKey key, string outputPath, bool overwrite, Crypt15Header? template = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(key);
        Crypt15Header? written = null;
        WriteAtomically(outputPath, overwrite, stream =>
        {
            written = Crypt15Writer.Encrypt(database, key, stream, template);
            return true;
        });
        return written!;
    }

    /// <summary>Reads an Android <c>encrypted_backup.key</c> file; false with a one-line error if it is not one.</summary>
    public static bool TryReadKeyFile(string path, out WhatsAppKey? key, out string? error)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            key = null;
            error = $"The key file {path} does not exist.";
            return false;
        }
        if (info.Length > 4096)
        {
            key = null;
            error = $"The key file {path} is {info.Length} bytes: not an encrypted_backup.key (59 bytes).";
            return false;
        }
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return WhatsAppKey.TryReadKeyFile(bytes, out key, out error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static void WriteAtomically(string outputPath, bool overwrite, Func<Stream, bool> write)
    {
        string target = Path.GetFullPath(outputPath);
        if (!overwrite && Path.Exists(target))
            throw new IOException($"{outputPath} already exists (use --force to replace it).");
        string directory = Path.GetDirectoryName(target)!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.partial");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        bool done = false;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                if (!write(stream))
                    return;
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite);
            done = true;
        }
        finally
        {
            if (!done)
                File.Delete(temporary);
        }
    }
}
