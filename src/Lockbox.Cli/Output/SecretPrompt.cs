using Spectre.Console;

namespace Lockbox.Cli.Output;

/// <summary>
/// The hidden prompt for keys and passwords: Spectre.Console's secret text prompt, on the error stream (standard output
/// stays for results), echoing nothing. The prompt is asked before any progress display starts (progress bars appear
/// only with the first progress report, see <see cref="ProgressDisplay"/>), so the two never share the terminal.
/// </summary>
internal static class SecretPrompt
{
    /// <summary>Asks for a secret at the terminal; the empty string when the person just presses Enter.</summary>
    public static string Read(string prompt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Interactive = InteractionSupport.Yes,
        });
        var question = new TextPrompt<string>(Markup.Escape(prompt.TrimEnd()))
            .Secret(null)
            .AllowEmpty();
        return console.Prompt(question);
    }
}
