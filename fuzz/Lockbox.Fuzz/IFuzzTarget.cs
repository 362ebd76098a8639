namespace Lockbox.Fuzz;

/// <summary>
/// One parser of untrusted bytes under fuzzing. <see cref="Run"/> feeds the bytes to the real parser and
/// catches only the failure that parser documents; anything else escapes and is a crash.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>Short name, used on the command line and as the corpus folder (<c>fuzz/corpus/NAME</c>).</summary>
    string Name { get; }

    /// <summary>One line for docs/FUZZING.md: what is parsed and which failure is allowed.</summary>
    string Allows { get; }

    /// <summary>Parses <paramref name="data"/>; throws only on a defect (an undocumented exception or a broken invariant).</summary>
    void Run(ReadOnlySpan<byte> data);

    /// <summary>Seed inputs built by Lockbox's own writers (file name, bytes).</summary>
    IEnumerable<KeyValuePair<string, byte[]>> Seeds();
}
