namespace Lockbox.Repository;

/// <summary>
/// One thing wrong in a repository: the stored object at fault and what is wrong with it. Verify reports a list of
/// them; an operation that cannot go on throws the first as a <see cref="RepositoryDamagedException"/>.
/// </summary>
/// <param name="ObjectName">The store name of the object ("data/ab/ab12…", "snapshots/…", "config"), or the folder
/// ("snapshots/") when the problem is with the set of objects rather than one.</param>
/// <param name="Problem">What is wrong with it, one short phrase.</param>
public sealed record RepositoryProblem(string ObjectName, string Problem)
{
    /// <summary>"object: problem", the one line a user reads.</summary>
    public override string ToString() => $"{ObjectName}: {Problem}";
}
