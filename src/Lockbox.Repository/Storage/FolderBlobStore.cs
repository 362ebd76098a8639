namespace Lockbox.Repository.Storage;

/// <summary>
/// A repository in a local folder. Each object is a file under the folder, at its name's path.
/// Writes go to a temporary file in ".tmp/", are flushed to disk, then renamed into place without
/// replacing an existing file, so a reader sees a whole object or none and a crash leaves at most a
/// stray temporary file.
/// </summary>
public sealed class FolderBlobStore : IBlobStore
{
    private const string TempFolder = ".tmp";
    private readonly string _root;

    public FolderBlobStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _root = Path.GetFullPath(path);
    }

    public string Description => $"folder {_root}";

    public async Task<bool> PutIfAbsentAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        string target = PathOf(name);
        if (File.Exists(target)) return false;
        string tempDir = Path.Combine(_root, TempFolder);
        string temp = Path.Combine(tempDir, $"{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(tempDir);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous, PreallocationSize = data.Length }))
            {
                await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            return ExclusiveMove.TryMove(temp, target);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BlobStoreException($"Cannot write to {Description}: permission denied.", e);
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            throw new BlobStoreException($"Cannot write to {Description}: the disk is full.", e);
        }
        catch (IOException e)
        {
            throw new BlobStoreException($"Cannot write '{name}' to {Description}: {e.Message}", e);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public async Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        string path = PathOf(name);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BlobStoreException($"Cannot read '{name}' from {Description}: {e.Message}", e);
        }
    }

    public async Task<byte[]> GetRangeAsync(string name, long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return await ReadFileAsync(name, async handle =>
        {
            byte[] buffer = new byte[(int)Math.Clamp(RandomAccess.GetLength(handle) - offset, 0, length)];
            int done = await FillAsync(handle, buffer, offset, cancellationToken).ConfigureAwait(false);
            return done == buffer.Length ? buffer : buffer[..done];
        }).ConfigureAwait(false);
    }

    public ValueTask<int> ReadAsync(string name, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadFileAsync(name, async handle =>
        {
            long size = RandomAccess.GetLength(handle);
            if (size > buffer.Length) throw BlobSizeException.TooLarge(name, buffer.Length);
            return await FillAsync(handle, buffer[..(int)size], 0, cancellationToken).ConfigureAwait(false);
        });

    public async ValueTask ReadRangeAsync(string name, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        int read = await ReadFileAsync(name, async handle => RandomAccess.GetLength(handle) - offset < buffer.Length
            ? -1
            : await FillAsync(handle, buffer, offset, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (read != buffer.Length) throw BlobSizeException.EndsEarly(name, offset, buffer.Length);
    }

    /// <summary>Opens the object's file for reading and runs <paramref name="read"/> on it, with the store's errors for a missing or unreadable file.</summary>
    private async ValueTask<T> ReadFileAsync<T>(string name, Func<Microsoft.Win32.SafeHandles.SafeFileHandle, ValueTask<T>> read)
    {
        string path = PathOf(name);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
            return await read(handle).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BlobStoreException($"Cannot read '{name}' from {Description}: {e.Message}", e);
        }
    }

    /// <summary>Reads into <paramref name="buffer"/> from <paramref name="offset"/> until it is full or the file ends; returns the bytes read.</summary>
    private static async ValueTask<int> FillAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = await RandomAccess.ReadAsync(handle, buffer[done..], offset + done, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            done += n;
        }
        return done;
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (!Directory.Exists(_root)) yield break;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 };
        foreach (string file in Directory.EnumerateFiles(_root, "*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string name = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (name.StartsWith(TempFolder + "/", StringComparison.Ordinal)) continue;
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            long size;
            try { size = new FileInfo(file).Length; }
            catch (FileNotFoundException) { continue; }
            yield return new BlobInfo(name, size);
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        string path = PathOf(name);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BlobStoreException($"Cannot delete '{name}' from {Description}: {e.Message}", e);
        }
        return Task.CompletedTask;
    }

    private string PathOf(string name)
    {
        if (string.IsNullOrEmpty(name) || name.StartsWith('/') || name.EndsWith('/') || name.Contains('\\')
            || name.Split('/').Any(part => part is "" or "." or ".." || part == TempFolder))
            throw new ArgumentException($"Invalid object name '{name}'.", nameof(name));
        return Path.Combine(_root, name.Replace('/', Path.DirectorySeparatorChar));
    }

    private static bool IsDiskFull(IOException e) => (e.HResult & 0xFFFF) is 28 or 112; // ENOSPC, ERROR_DISK_FULL

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
