using System.Buffers.Binary;
using System.Globalization;
using Lockbox.Cli.Output;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary>
/// The progress display's first line for a backup, in the source's own units: the database's pages (from its SQLite
/// header) and the media folder's files and bytes (names and sizes only, nothing read). The engine reports bytes; this
/// says what they are made of. A source it cannot read is left to the backup to report.
/// </summary>
internal static class SourceScan
{
    public static string? Describe(BackupSource source)
    {
        try
        {
            var database = new FileInfo(source.DatabasePath);
            string text = database.Name;
            if (PageSize(database) is { } pageSize)
                text += string.Create(CultureInfo.InvariantCulture, $": {database.Length / pageSize:N0} pages of {Units.Bytes(pageSize)} ({Units.Bytes(database.Length)})");
            if (source.MediaDirectory is { } media)
            {
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
                FileInfo[] files = [.. new DirectoryInfo(media).EnumerateFiles("*", options)];
                text += string.Create(CultureInfo.InvariantCulture, $"; {files.Length:N0} media files ({Units.Bytes(files.Sum(f => f.Length))})");
            }
            return text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The page size in an SQLite header (offset 16, big-endian; 1 means 65536); null when it is not one.</summary>
    private static int? PageSize(FileInfo database)
    {
        Span<byte> header = stackalloc byte[18];
        using FileStream stream = database.OpenRead();
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) return null;
        if (!header[..15].SequenceEqual("SQLite format 3"u8)) return null;
        int size = BinaryPrimitives.ReadUInt16BigEndian(header[16..]);
        return size == 1 ? 65536 : size >= 512 ? size : null;
    }
}
