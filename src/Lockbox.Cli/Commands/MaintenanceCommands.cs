using System.CommandLine;
using Lockbox.Cli.Output;
using Lockbox.Cli.Output.Json;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary><c>lockbox verify</c> and <c>lockbox forget</c>: check a repository and thin out old snapshots.</summary>
internal static class MaintenanceCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        yield return Verify(context);
        yield return Forget(context);
    }

    private static Command Verify(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var readData = new Option<bool>("--read-data") { Description = "Also download and decrypt every blob, not just the structure and snapshot chain" };
        var verify = new Command("verify", "Check the repository's structure and snapshot chain (and with --read-data, every byte)") { repo, readData };
        verify.SetAction(async (parse, ct) =>
        {
            VerifyReport report = await ProgressDisplay.RunAsync(context, "verify", sink =>
                context.CreateClient().VerifyAsync(parse.GetRequiredValue(repo), parse.GetValue(readData),
                    new ProgressAdapter<VerifyProgress>(sink, p => (p.Phase, p.BytesDone, p.BytesTotal)), ct)).ConfigureAwait(false);
            if (context.Json)
            {
                context.WriteJson(new VerifySummary(report.IsHealthy, report.Snapshots, report.Packs, report.BlobsChecked, report.BytesRead,
                    [.. report.Problems.Select(p => p.ToString())]), JsonLines.Types.VerifySummary);
            }
            else
            {
                foreach (RepositoryProblem problem in report.Problems)
                    await context.Out.WriteLineAsync($"problem: {problem}").ConfigureAwait(false);
                await context.Out.WriteLineAsync(report.IsHealthy
                    ? $"Repository OK: {report.Snapshots} snapshots, {report.Packs} packs{(parse.GetValue(readData) ? $", {report.BlobsChecked} blobs decrypted and checked" : "")}."
                    : $"Repository damaged: {report.Problems.Count} problems found.").ConfigureAwait(false);
            }
            return report.IsHealthy
                ? ExitCodes.Success
                : context.Fail(ExitCodes.Damaged, $"the repository is damaged or was tampered with ({report.Problems.Count} problems; first: {report.Problems[0]})");
        });
        return verify;
    }

    private static Command Forget(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var ids = new Argument<string[]>("snapshot") { Description = "Snapshots to forget: id, id prefix or #number", Arity = ArgumentArity.ZeroOrMore };
        Option<int> keepLast = Keep("--keep-last", "Keep the newest N snapshots of each source");
        Option<int> keepDaily = Keep("--keep-daily", "Keep the newest snapshot of each of the last N days that have one, per source (UTC)");
        Option<int> keepWeekly = Keep("--keep-weekly", "Keep the newest snapshot of each of the last N weeks that have one, per source");
        Option<int> keepMonthly = Keep("--keep-monthly", "Keep the newest snapshot of each of the last N months that have one, per source");
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only print what would be forgotten; change nothing" };
        var prune = new Option<bool>("--prune") { Description = "Also delete data no kept snapshot needs, freeing space" };
        var forget = new Command("forget", "Forget snapshots by id, or all but those a keep policy keeps in each source; with --prune free their space")
            { repo, ids, keepLast, keepDaily, keepWeekly, keepMonthly, dryRun, prune };
        var selection = new SnapshotSelection();
        selection.AddTo(forget);
        forget.SetAction(async (parse, ct) =>
        {
            var request = new ForgetRequest
            {
                Snapshots = parse.GetValue(ids) ?? [],
                Policy = new ForgetPolicy
                {
                    KeepLast = parse.GetValue(keepLast),
                    KeepDaily = parse.GetValue(keepDaily),
                    KeepWeekly = parse.GetValue(keepWeekly),
                    KeepMonthly = parse.GetValue(keepMonthly),
                },
                Filter = selection.Filter(parse),
                DryRun = parse.GetValue(dryRun),
                Prune = parse.GetValue(prune) && !parse.GetValue(dryRun),
            };
            if (request.Snapshots.Count == 0 && request.Policy.IsEmpty)
                throw new CliException(ExitCodes.Usage, "Name the snapshots to forget, or give a keep policy (--keep-last, --keep-daily, --keep-weekly, --keep-monthly).");
            ForgetResult result = await context.CreateClient().ForgetAsync(parse.GetRequiredValue(repo), request, ct).ConfigureAwait(false);
            if (context.Json)
            {
                foreach (SnapshotSummary s in result.Removed)
                    context.WriteJson(SnapshotMessage.Of(s), JsonLines.Types.SnapshotMessage);
                context.WriteJson(new ForgetSummary(result.DryRun, result.SnapshotsRemoved, result.SnapshotsKept, result.PacksDeleted, result.PacksRepacked,
                    result.BytesFreed), JsonLines.Types.ForgetSummary);
            }
            else
            {
                string verb = result.DryRun ? "would forget" : "forgot";
                foreach (SnapshotSummary s in result.Removed)
                    await context.Out.WriteLineAsync($"{verb} {BackupCommands.Short(s.Id)} #{s.Sequence} {s.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss} {s.Device} {s.SourcePath}").ConfigureAwait(false);
                await context.Out.WriteLineAsync(result.DryRun
                    ? $"Dry run: {result.SnapshotsRemoved} snapshots would be forgotten, {result.SnapshotsKept} kept; nothing was changed."
                    : $"Forgot {result.SnapshotsRemoved} snapshots, kept {result.SnapshotsKept}; deleted {result.PacksDeleted} packs and repacked {result.PacksRepacked}, freeing {Units.Bytes(result.BytesFreed)}.").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return forget;
    }

    private static Option<int> Keep(string name, string description)
    {
        var option = new Option<int>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError($"{name} must be at least 1.");
        });
        return option;
    }
}
