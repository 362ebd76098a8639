namespace Lockbox.Repository.Format;

/// <summary>
/// Thrown by the format decoders (which do no I/O and do not know object names) when bytes do not
/// parse or authenticate; the engine turns it into a <see cref="RepositoryDamagedException"/> naming the object.
/// </summary>
internal sealed class CorruptDataException(string problem) : Exception(problem);
