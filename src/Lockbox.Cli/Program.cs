using System.Runtime.InteropServices;

namespace Lockbox.Cli;

/// <summary>The process entry point: binds the real console, Ctrl-C and SIGTERM, then runs the command line.</summary>
internal static class Program
{
    private static volatile bool s_prompting;
    private static readonly CancellationTokenSource s_stop = new();
    private static PosixSignalRegistration? s_term;

    public static async Task<int> Main(string[] args)
    {
        // Neither the source nor the SIGTERM registration is disposed: a signal that arrives after the command has
        // finished, while the process exits, must still find Lockbox's handler (disposing it would restore the default
        // and end a finished backup with 143 instead of 0), and that handler must not touch a disposed source.
        CancellationTokenSource stop = s_stop;
        Console.CancelKeyPress += (_, e) =>
        {
            // At a prompt nothing is under way (no lock held, nothing written): end at once. Otherwise the first Ctrl-C
            // stops the command cleanly and a second one ends the process (a lock it leaves is cleared by the next run).
            if (s_prompting) QuitAtPrompt();
            if (stop.IsCancellationRequested) return;
            e.Cancel = true;
            Console.Error.WriteLine("lockbox: stopping... (Ctrl-C again to quit at once)");
            // Not Cancel(): its callbacks and the continuations they release would run the whole stop (salvage, lock
            // release) on the signal thread, which then could not take the second Ctrl-C.
            _ = stop.CancelAsync();
        };
        s_term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            if (s_prompting) QuitAtPrompt();
            signal.Cancel = true;
            _ = stop.CancelAsync();
        });

        var context = new CliContext
        {
            Out = Console.Out,
            Error = Console.Error,
            Environment = Environment.GetEnvironmentVariable,
            Interactive = !Console.IsErrorRedirected && !Console.IsOutputRedirected,
            ReadSecret = Console.IsInputRedirected ? null : ReadHidden,
        };
        return await LockboxCli.RunAsync(args, context, stop.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Ctrl-C or SIGTERM while a prompt waits for the terminal: the blocking read cannot observe a token, and nothing
    /// is under way that needs cleaning up, so the process ends here with the cancelled code.
    /// </summary>
    private static void QuitAtPrompt()
    {
        Console.Error.WriteLine();
        Console.Error.WriteLine("lockbox: cancelled at the prompt; nothing was changed.");
        Environment.Exit(ExitCodes.Cancelled);
    }

    /// <summary>Reads a line from the terminal without echoing it (Spectre.Console's secret prompt).</summary>
    private static string? ReadHidden(string prompt, CancellationToken cancellationToken)
    {
        s_prompting = true;
        try
        {
            return Output.SecretPrompt.Read(prompt, cancellationToken);
        }
        finally
        {
            s_prompting = false;
        }
    }
}
