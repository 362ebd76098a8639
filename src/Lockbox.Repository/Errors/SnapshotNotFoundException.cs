namespace Lockbox.Repository;

/// <summary>The snapshot asked for (id, prefix or "latest") does not exist or is ambiguous.</summary>
public sealed class SnapshotNotFoundException : RepositoryException
{
    public SnapshotNotFoundException(string snapshot, string reason) : base($"snapshot '{snapshot}' not found: {reason}") { }
}
