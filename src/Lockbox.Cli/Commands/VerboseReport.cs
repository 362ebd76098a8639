using Lockbox.Cli.Output;
using Lockbox.Cli.Output.Json;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary>
/// <c>-v</c>'s detail, as restic's: after a backup, each media file added, changed or removed since the source's previous
/// snapshot and the database pages changed; after a restore, each file written. Lines on standard output before the
/// result ("verbose" JSON lines with <c>--json</c>). The engine reports no per-file events, so this reads the snapshots.
/// </summary>
internal static class VerboseReport
{
    /// <summary>What <paramref name="made"/> changed against the previous snapshot of the same device and source (all of it for the first).</summary>
    public static async Task BackupAsync(CliContext context, string repository, SnapshotSummary made, CancellationToken ct)
    {
        var client = context.CreateClient();
        SnapshotSummary? previous = (await client.ListSnapshotsAsync(repository, ct).ConfigureAwait(false))
            .Where(s => s.Sequence < made.Sequence && s.Device == made.Device && s.SourcePath == made.SourcePath)
            .MaxBy(s => s.Sequence);
        if (previous is null)
        {
            var (_, files) = await client.ListFilesAsync(repository, made.Id, null, ct).ConfigureAwait(false);
            foreach (SnapshotFile f in files.Where(f => !f.IsDatabase))
                await WriteAsync(context, "added", f.Path, f.Size, null).ConfigureAwait(false);
            await WriteAsync(context, "added", made.DatabaseName, made.DatabaseBytes, null).ConfigureAwait(false);
            return;
        }
        SnapshotDiff diff = await client.DiffAsync(repository, previous.Id, made.Id, ct).ConfigureAwait(false);
        var changes = diff.Added.Select(f => ("added", f)).Concat(diff.Changed.Select(f => ("changed", f))).Concat(diff.Removed.Select(f => ("removed", f)))
            .OrderBy(c => c.f.Path, StringComparer.Ordinal);
        foreach (var (action, f) in changes)
            await WriteAsync(context, action, f.Path, f.Size, null).ConfigureAwait(false);
        await WriteAsync(context, diff.DatabasePagesChanged > 0 ? "changed" : "unchanged", made.DatabaseName, made.DatabaseBytes, diff.DatabasePagesChanged).ConfigureAwait(false);
    }

    /// <summary>
    /// The snapshot's files that the restore into <paramref name="target"/> wrote: present there with the recorded size
    /// (and, for media, the recorded time, which restore keeps), and not among those it could not restore.
    /// </summary>
    public static async Task RestoreAsync(CliContext context, string repository, RestoreResult result, string target, CancellationToken ct)
    {
        var (_, files) = await context.CreateClient().ListFilesAsync(repository, result.SnapshotId, null, ct).ConfigureAwait(false);
        var missing = result.Missing.Select(m => m.Path).ToHashSet(StringComparer.Ordinal);
        foreach (SnapshotFile f in files)
        {
            if (missing.Contains(f.Path)) continue;
            var written = new FileInfo(Path.Combine(target, f.Path));
            if (!written.Exists || written.Length != f.Size) continue;
            if (!f.IsDatabase && written.LastWriteTimeUtc != f.Modified.UtcDateTime) continue;
            await WriteAsync(context, "restored", f.Path, f.Size, null).ConfigureAwait(false);
        }
    }

    private static Task WriteAsync(CliContext context, string action, string path, long size, long? pages)
    {
        if (context.Json)
        {
            context.WriteJson(new VerboseMessage(action, path, size, pages), JsonLines.Types.VerboseMessage);
            return Task.CompletedTask;
        }
        string detail = pages is { } p ? $"{Units.Bytes(size)}, {p} pages changed or added" : Units.Bytes(size);
        return context.Out.WriteLineAsync($"{action,-9} {path} ({detail})");
    }
}
