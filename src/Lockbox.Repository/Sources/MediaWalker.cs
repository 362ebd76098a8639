namespace Lockbox.Repository.Sources;

/// <summary>A media file found under the media folder.</summary>
internal sealed record MediaFile(string RelativePath, string FullPath, long Size, long ModifiedTicks);

/// <summary>
/// Lists the media folder: every regular file below it, by '/'-separated relative path in ordinal order.
/// Symbolic links are skipped (they could point outside the folder).
/// </summary>
internal static class MediaWalker
{
    public static List<MediaFile> Walk(string directory)
    {
        string root = Path.GetFullPath(directory);
        if (File.Exists(root)) throw new SourceException($"media path {root} is a file, not a folder");
        if (!Directory.Exists(root)) throw new SourceException($"media folder {root} does not exist");
        var files = new List<MediaFile>();
        try
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.ReparsePoint };
            foreach (string path in Directory.EnumerateFiles(root, "*", options))
            {
                var info = new FileInfo(path);
                string relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
                files.Add(new MediaFile(relative, path, info.Length, info.LastWriteTimeUtc.Ticks));
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SourceException($"cannot read the media folder {root}: permission denied", e);
        }
        catch (IOException e)
        {
            throw new SourceException($"cannot read the media folder {root}: {e.Message}", e);
        }
        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return files;
    }
}
