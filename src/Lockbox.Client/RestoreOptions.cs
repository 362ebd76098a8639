using Lockbox.Repository;

namespace Lockbox.Client;

/// <summary>What <see cref="LockboxClient.RestoreAsync(string, RestoreOptions, IProgress{Lockbox.Repository.RestoreProgress}?, CancellationToken)"/> restores, and where.</summary>
public sealed record RestoreOptions
{
    /// <summary>The folder to restore into: the database under its file name, media under the media folder's name (e.g. Media/).</summary>
    public required string TargetDirectory { get; init; }

    /// <summary>A snapshot id, a unique id prefix, "#N" (its number), or "latest" (the default: the latest of <see cref="Filter"/>'s selection).</summary>
    public string Snapshot { get; init; } = "latest";

    /// <summary>Restore the database only, no media.</summary>
    public bool DatabaseOnly { get; init; }

    /// <summary>Replace files that already exist in the target folder.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Which snapshots "latest" and names choose among (<c>--host</c>, <c>--path</c>, <c>--tag</c>).</summary>
    public SnapshotFilter Filter { get; init; } = SnapshotFilter.All;

    /// <summary>
    /// This device's name (default: the machine name): "latest" with no selection on a repository holding several
    /// sources takes the latest snapshot this device made, when it made any.
    /// </summary>
    public string? ThisDevice { get; init; } = Environment.MachineName;

    /// <summary>Media to restore, as globs relative to the media folder; empty restores all. The database is restored regardless, unless <see cref="MediaOnly"/>.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>Restore media only (those <see cref="Include"/> selects), no database.</summary>
    public bool MediaOnly { get; init; }

    /// <summary>Go on past damaged packs and report what is missing in <see cref="RestoreResult.Missing"/>, instead of stopping.</summary>
    public bool ContinuePastDamage { get; init; }
}
