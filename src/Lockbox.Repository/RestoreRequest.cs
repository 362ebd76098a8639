namespace Lockbox.Repository;

/// <summary>What a restore brings back, and where (issue 13).</summary>
public sealed record RestoreRequest
{
    /// <summary>The folder to restore into: the database under its file name, media under the media folder's name.</summary>
    public required string TargetDirectory { get; init; }

    /// <summary>An id, a unique id prefix, "#N", or "latest" (of the selection).</summary>
    public string Snapshot { get; init; } = "latest";

    /// <summary>Which snapshots "latest" and names choose among.</summary>
    public SnapshotFilter Filter { get; init; } = SnapshotFilter.All;

    /// <summary>
    /// This device's name: "latest" with no selection on a repository holding several sources takes the latest snapshot
    /// this device made, when it made any. Null: no preference.
    /// </summary>
    public string? ThisDevice { get; init; }

    /// <summary>
    /// Media to restore, as globs on the path relative to the media folder ('*' within a folder, '**' across folders,
    /// '?' one character); empty restores all media. The database is restored whatever these say (unless <see cref="MediaOnly"/>).
    /// </summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>The database only, no media.</summary>
    public bool DatabaseOnly { get; init; }

    /// <summary>Media only (those <see cref="Include"/> selects), no database.</summary>
    public bool MediaOnly { get; init; }

    /// <summary>Replace files that already exist in the target folder.</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Go on past damaged or missing packs: restore every file whose data is intact, leave out the others and list them
    /// in <see cref="RestoreResult.Missing"/>, instead of stopping at the first damage.
    /// </summary>
    public bool ContinuePastDamage { get; init; }
}
