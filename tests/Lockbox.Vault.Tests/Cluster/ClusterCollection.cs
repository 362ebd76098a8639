namespace Lockbox.Vault.Tests.Cluster;

/// <summary>The test classes that share one three-process cluster (started once; they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterUnderTest>
{
    public const string Name = "Replicated vault (3 processes)";
}
