namespace Lockbox.Client;

/// <summary>What <see cref="LockboxClient.RestoreAsync(string, RestoreOptions, IProgress{Lockbox.Repository.RestoreProgress}?, CancellationToken)"/> restores, and where.</summary>
public sealed record RestoreOptions
{
    /// <summary>The folder to restore into: the database under its file name, media under media/.</summary>
    public required string TargetDirectory { get; init; }

    /// <summary>A snapshot id, a unique id prefix, or "latest" (the default).</summary>
    public string Snapshot { get; init; } = "latest";

    /// <summary>Restore the database only, no media.</summary>
    public bool DatabaseOnly { get; init; }

    /// <summary>Replace files that already exist in the target folder.</summary>
    public bool Overwrite { get; init; }
}
