namespace Lockbox.Repository;

/// <summary>
/// A file a restore could not give back because data it needs is damaged or missing in the store (issue 13). The file
/// is not written (no unauthenticated byte reaches the target folder); the rest of the restore goes on.
/// </summary>
/// <param name="Path">The file's path relative to the target folder, '/'-separated (e.g. <c>msgstore.db</c>, <c>Media/a.jpg</c>).</param>
/// <param name="Pages">For the database: the SQLite page numbers (1-based) that could not be read; empty for media.</param>
/// <param name="Objects">The store objects that were damaged or missing (packs), for the report.</param>
public sealed record MissingFile(string Path, IReadOnlyList<long> Pages, IReadOnlyList<string> Objects);
