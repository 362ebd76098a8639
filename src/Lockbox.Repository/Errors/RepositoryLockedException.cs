namespace Lockbox.Repository;

/// <summary>Another backup or prune holds the repository lock.</summary>
public sealed class RepositoryLockedException : RepositoryException
{
    public RepositoryLockedException(string owner, DateTimeOffset since, bool stale)
        : base(stale
            ? $"repository is locked by {owner} since {since:u}, and the lock looks stale"
            : $"repository is locked by {owner} since {since:u}; wait for it to finish")
    {
        Owner = owner;
        Since = since;
        IsStale = stale;
    }

    public string Owner { get; }
    public DateTimeOffset Since { get; }
    public bool IsStale { get; }
}
