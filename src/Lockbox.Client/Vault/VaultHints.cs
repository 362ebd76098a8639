using Lockbox.Repository;

namespace Lockbox.Client.Vault;

/// <summary>
/// The vault address and account a repository remembers (<see cref="RepositoryHints"/>), so a new device can
/// restore with only the repository address and the password. Readable without K, so unauthenticated until
/// the repository is opened with the recovered K (which checks them): a store that swaps them can at most
/// point the device at a vault that fails the pinned-key check.
/// <para>
/// <see cref="RepositoryHints.VaultUrl"/> holds every node of a replicated vault the escrowing device knew, in its
/// order, comma-separated (issue 10), so a new device can fail over; a repository written before holds one URL,
/// which reads as a list of one.
/// </para>
/// </summary>
public static class VaultHints
{
    /// <summary>The hints stored in the repository at <paramref name="address"/>, or null when it has none.</summary>
    public static Task<RepositoryHints?> ReadAsync(string address, CancellationToken cancellationToken = default)
        => BackupRepository.ReadHintsAsync(RepositoryAddress.Open(RepositoryAddress.Normalize(address)), cancellationToken);

    /// <summary>The hint for a vault of <paramref name="nodes"/>: their absolute URIs, comma-separated, in order.</summary>
    public static string FormatNodeUrls(IEnumerable<Uri> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        string[] urls = [.. nodes.Select(n => n.AbsoluteUri)];
        if (urls.Length == 0) throw new ArgumentException("A vault has at least one node.", nameof(nodes));
        if (urls.Any(u => u.Contains(',', StringComparison.Ordinal))) throw new ArgumentException("A vault node URL cannot hold a comma.", nameof(nodes));
        return string.Join(',', urls);
    }

    /// <summary>
    /// The vault node URLs <paramref name="hints"/> name (one for a repository escrowed before issue 10), in order;
    /// empty when it names none. Anything that is not an absolute http:// or https:// URL is skipped: the hints are
    /// unauthenticated, and every node must still be listed in the pinned fleet's signed hello.
    /// </summary>
    public static IReadOnlyList<Uri> NodeUrls(RepositoryHints? hints)
    {
        if (hints?.VaultUrl is not { } text) return [];
        var nodes = new List<Uri>();
        foreach (string one in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (Uri.TryCreate(one, UriKind.Absolute, out Uri? node) && (node.Scheme == Uri.UriSchemeHttp || node.Scheme == Uri.UriSchemeHttps))
                nodes.Add(node);
        return nodes;
    }
}
