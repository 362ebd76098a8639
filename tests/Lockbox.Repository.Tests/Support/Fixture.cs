using Lockbox.Cryptography;
using Lockbox.Repository.Engine;
using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Config;
using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Tests.Support;

/// <summary>One test's world: a source folder (database, media), a repository folder behind a <see cref="TestStore"/>, a key, a restore folder.</summary>
internal sealed class Fixture : IDisposable
{
    private readonly TestFolder _folder = new();

    public Fixture()
    {
        Source = _folder.Sub("source");
        Media = _folder.Sub("source/media");
        RepositoryPath = Path.Combine(_folder.Path, "repo");
        Store = new TestStore(new FolderBlobStore(RepositoryPath));
        Key = BackupKey.Generate();
    }

    public string Source { get; }
    public string Media { get; }
    public string RepositoryPath { get; }
    public TestStore Store { get; }
    public BackupKey Key { get; }

    public string NewFolder(string name) => Path.Combine(_folder.Path, name);

    public Task<BackupRepository> InitAsync() => BackupRepository.InitAsync(Store, Key);
    public Task<BackupRepository> OpenAsync() => BackupRepository.OpenAsync(Store, Key);

    /// <summary>The engine's own view of the repository (config checked, index loaded), for tests that look inside it; the caller disposes it.</summary>
    public async Task<RepositoryState> OpenStateAsync()
    {
        using var keys = new RepositoryKeys(Key);
        var config = RepositoryConfig.Decode(keys, await File.ReadAllBytesAsync(StoredPath("config")), "test");
        var state = new RepositoryState(Store, new RepositoryKeys(Key), config);
        await state.LoadIndexAsync(CancellationToken.None);
        return state;
    }

    public IEnumerable<string> StoredFiles(string prefix = "") =>
        Directory.EnumerateFiles(RepositoryPath, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryPath, f).Replace('\\', '/'))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !n.StartsWith(".tmp/", StringComparison.Ordinal));

    public string StoredPath(string name) => Path.Combine(RepositoryPath, name);

    /// <summary>Files (recursively) in a folder, relative paths.</summary>
    public static List<string> FilesIn(string folder) => !Directory.Exists(folder) ? [] :
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        Key.Dispose();
        _folder.Dispose();
    }
}
