using Lockbox.Repository.Format;
using Lockbox.Repository.Format.Config;

namespace Lockbox.Repository.Tests.Support;

/// <summary>Repositories of format version 1 made on demand (as a version 1 writer would), and the keys of a fixture's repository.</summary>
internal static class FormatVersion1
{
    /// <summary>Creates a repository, then rewrites its config as format version 1 and opens it again.</summary>
    public static async Task<BackupRepository> InitAsync(Fixture f)
    {
        await (await f.InitAsync()).DisposeAsync();
        using RepositoryKeys keys = Keys(f);
        string path = f.StoredPath(FormatConstants.ConfigName);
        RepositoryConfig config = RepositoryConfig.Decode(keys, await File.ReadAllBytesAsync(path), "test");
        await File.WriteAllBytesAsync(path, (config with { Version = 1 }).Encode(keys));
        return await f.OpenAsync();
    }

    /// <summary>The fixture's repository keys, bound to its repository id (read from the stored config).</summary>
    public static RepositoryKeys Keys(Fixture f)
    {
        byte[] config = File.ReadAllBytes(f.StoredPath(FormatConstants.ConfigName));
        var keys = new RepositoryKeys(f.Key);
        keys.BindRepository(config.AsSpan(FormatConstants.ConfigMagic.Length + 1, FormatConstants.RepositoryIdSize));
        return keys;
    }
}
