namespace Lockbox.Repository;

/// <summary>The outcome of a verify: healthy when <see cref="Problems"/> is empty.</summary>
/// <param name="Problems">Each problem: the object at fault and what is wrong with it (missing, tampered, broken chain).</param>
/// <param name="Snapshots">Snapshots checked.</param>
/// <param name="Packs">Packs known to the index.</param>
/// <param name="BlobsChecked">Blobs decrypted and checked against their ids (0 unless data was read).</param>
/// <param name="BytesRead">Bytes downloaded while verifying.</param>
public sealed record VerifyReport(IReadOnlyList<RepositoryProblem> Problems, int Snapshots, int Packs, long BlobsChecked, long BytesRead)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsHealthy => Problems.Count == 0;
}
