using System.CommandLine;
using Lockbox.Cli.Output.Json;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary>
/// <c>lockbox unlock</c>: removes a stale repository lock, as restic's <c>unlock</c> does. A lock whose holder ran on
/// this host and has ended, or that shows no sign of life for 30 minutes, is stale; <c>--remove-all</c> also removes
/// a lock whose holder may still be running (another host), with a warning.
/// </summary>
internal static class UnlockCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        Option<string> repo = CommonOptions.Repository();
        var removeAll = new Option<bool>("--remove-all")
        {
            Description = "Also remove a lock whose holder may still be running (on another host): only when you know it has stopped",
        };
        var unlock = new Command("unlock", "Remove a stale repository lock (left by a backup or forget that crashed or was killed)") { repo, removeAll };
        unlock.SetAction(async (parse, ct) =>
        {
            UnlockResult result = await context.CreateClient().UnlockAsync(parse.GetRequiredValue(repo), parse.GetValue(removeAll), ct).ConfigureAwait(false);
            if (result.Kept is not null)
            {
                return context.Fail(ExitCodes.Locked,
                    $"the repository is locked by {result.Kept}, which may still be running; nothing removed. " +
                    "If it has stopped (for example on another host), run again with --remove-all.");
            }
            if (result.RemovedPossiblyRunning)
                context.Warn($"removed the lock of {result.Removed} although it may still be running; if it is, stop it and run 'lockbox verify'.");
            if (context.Json)
                context.WriteJson(new UnlockSummary(result.Removed, result.RemovedPossiblyRunning), JsonLines.Types.UnlockSummary);
            else
                await context.Out.WriteLineAsync(result.Removed is null ? "The repository is not locked." : $"Removed the lock of {result.Removed}.").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        yield return unlock;
    }
}
