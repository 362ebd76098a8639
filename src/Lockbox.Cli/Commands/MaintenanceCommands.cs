using System.CommandLine;
using Lockbox.Cli.Output;
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
        Option<bool> json = CommonOptions.Json();
        var verify = new Command("verify", "Check the repository's structure and snapshot chain (and with --read-data, every byte)") { repo, readData, json };
        verify.SetAction(async (parse, ct) =>
        {
            VerifyReport report = await ProgressDisplay.RunAsync(context, "verify", sink =>
                context.CreateClient().VerifyAsync(parse.GetRequiredValue(repo), parse.GetValue(readData),
                    new ProgressAdapter<VerifyProgress>(sink, p => (p.Phase, p.BytesDone, p.BytesTotal)), ct)).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("ok", report.IsHealthy);
                    w.WriteNumber("snapshots", report.Snapshots);
                    w.WriteNumber("packs", report.Packs);
                    w.WriteNumber("blobsChecked", report.BlobsChecked);
                    w.WriteNumber("bytesRead", report.BytesRead);
                    w.WriteStartArray("problems");
                    foreach (RepositoryProblem problem in report.Problems) w.WriteStringValue(problem.ToString());
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
            }
            else
            {
                foreach (RepositoryProblem problem in report.Problems)
                    await context.Out.WriteLineAsync($"problem: {problem}").ConfigureAwait(false);
                await context.Out.WriteLineAsync(report.IsHealthy
                    ? $"Repository OK: {report.Snapshots} snapshots, {report.Packs} packs{(parse.GetValue(readData) ? $", {report.BlobsChecked} blobs decrypted and checked" : "")}."
                    : $"Repository damaged: {report.Problems.Count} problems found.").ConfigureAwait(false);
            }
            if (!report.IsHealthy)
                await context.Error.WriteLineAsync($"lockbox: the repository is damaged or was tampered with ({report.Problems.Count} problems; first: {report.Problems[0]})").ConfigureAwait(false);
            return report.IsHealthy ? ExitCodes.Success : ExitCodes.Damaged;
        });
        return verify;
    }

    private static Command Forget(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var keepLast = new Option<int>("--keep-last") { Description = "How many of the newest snapshots to keep (at least 1)", Required = true };
        keepLast.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--keep-last must be at least 1.");
        });
        var prune = new Option<bool>("--prune") { Description = "Also delete data no kept snapshot needs, freeing space" };
        Option<bool> json = CommonOptions.Json();
        var forget = new Command("forget", "Forget all but the newest snapshots; with --prune free their space") { repo, keepLast, prune, json };
        forget.SetAction(async (parse, ct) =>
        {
            ForgetResult result = await context.CreateClient().ForgetAsync(parse.GetRequiredValue(repo), parse.GetValue(keepLast), parse.GetValue(prune), ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("snapshotsRemoved", result.SnapshotsRemoved);
                    w.WriteNumber("snapshotsKept", result.SnapshotsKept);
                    w.WriteNumber("packsDeleted", result.PacksDeleted);
                    w.WriteNumber("packsRepacked", result.PacksRepacked);
                    w.WriteNumber("bytesFreed", result.BytesFreed);
                    w.WriteEndObject();
                });
            }
            else
            {
                await context.Out.WriteLineAsync(
                    $"Forgot {result.SnapshotsRemoved} snapshots, kept {result.SnapshotsKept}; deleted {result.PacksDeleted} packs and repacked {result.PacksRepacked}, freeing {Units.Bytes(result.BytesFreed)}.").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return forget;
    }
}
