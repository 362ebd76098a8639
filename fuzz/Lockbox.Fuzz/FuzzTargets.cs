using Lockbox.Fuzz.Targets;

namespace Lockbox.Fuzz;

/// <summary>Every target, by name, in the order fuzz/run.sh runs them.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new VaultRequestTarget(),
        new VaultLogEntryTarget(),
        new VaultStateTarget(),
        new VaultFilesTarget(),
        new OpaqueMessagesTarget(),
        new OpaqueFlowsTarget(),
        new RepositoryConfigTarget(),
        new RepositoryIndexTarget(),
        new RepositorySnapshotTarget(),
        new RepositoryLockTarget(),
        new PackHeaderTarget(),
        new Crypt15Target(),
        new DeviceStateTarget(),
    ];

    /// <summary>The target called <paramref name="name"/>, or null.</summary>
    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
