namespace Lockbox.Cli.Output;

/// <summary>
/// Receives progress as (phase, done, total) bytes; a total of 0 marks a step without a measure (copying the database,
/// finishing). Synchronous, unlike <see cref="Progress{T}"/>: a report is shown before the engine moves on, and none
/// arrives after the command ends.
/// </summary>
internal interface IProgressSink
{
    void Report(string phase, long done, long total);

    /// <summary>A line about what the operation is about to do, in its own units ("msgstore.db: 1,200 pages of 4 KiB").</summary>
    void Describe(string text)
    {
    }

    /// <summary>Files done of the files the operation handles, given just before the <see cref="Report"/> they go with.</summary>
    void Count(int filesDone, int filesTotal)
    {
    }
}

/// <summary>Adapts an engine progress type to an <see cref="IProgressSink"/>; <paramref name="files"/> reads its file counts, if it has them.</summary>
internal sealed class ProgressAdapter<T>(IProgressSink sink, Func<T, (string Phase, long Done, long Total)> read, Func<T, (int Done, int Total)>? files = null) : IProgress<T>
{
    public void Report(T value)
    {
        (string phase, long done, long total) = read(value);
        if (files is not null)
        {
            (int filesDone, int filesTotal) = files(value);
            sink.Count(filesDone, filesTotal);
        }
        sink.Report(phase, done, total);
    }
}

/// <summary>
/// Shows <paramref name="preface"/> (<see cref="IProgressSink.Describe"/>) just before the first report, so the line
/// about the source comes with the progress it introduces (once the repository is open and locked), not before.
/// </summary>
internal sealed class PrefacedSink(IProgressSink inner, string preface) : IProgressSink
{
    private int _shown;

    public void Report(string phase, long done, long total)
    {
        if (Interlocked.Exchange(ref _shown, 1) == 0) inner.Describe(preface);
        inner.Report(phase, done, total);
    }

    public void Count(int filesDone, int filesTotal) => inner.Count(filesDone, filesTotal);
}
