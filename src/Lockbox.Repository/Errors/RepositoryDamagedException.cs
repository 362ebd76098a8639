namespace Lockbox.Repository;

/// <summary>A stored object is missing, tampered with, truncated, of an unknown version, or out of chain.</summary>
public sealed class RepositoryDamagedException : RepositoryException
{
    public RepositoryDamagedException(string objectName, string problem)
        : base($"repository damaged: {objectName}: {problem}")
    {
        ObjectName = objectName;
        Problem = problem;
    }

    public RepositoryDamagedException(RepositoryProblem problem)
        : this((problem ?? throw new ArgumentNullException(nameof(problem))).ObjectName, problem.Problem)
    {
    }

    /// <summary>The store name of the object at fault ("data/ab/ab12…", "snapshots/…", "config").</summary>
    public string ObjectName { get; }

    /// <summary>What is wrong with it, one short phrase.</summary>
    public string Problem { get; }

    /// <summary>The same as a <see cref="RepositoryProblem"/>, as verify lists it.</summary>
    public RepositoryProblem ToProblem() => new(ObjectName, Problem);
}
