using System.CommandLine;

namespace Lockbox.Cli;

/// <summary>
/// Paths on the command line that must name a folder, checked once the line is parsed and before a command runs, so a
/// file where a folder belongs is one clear line rather than the runtime's "The file '…' already exists".
/// </summary>
internal static class PathChecks
{
    /// <summary>(command, option, the message's noun and exit code): each option names a folder when given.</summary>
    private static readonly (string Command, string Option, string Message, int ExitCode)[] Folders =
    [
        ("restore", "--to", "--to {0} is a file: restore writes into a folder (created if missing), e.g. --to restored/.", ExitCodes.Usage),
        ("backup", "--media", "--media {0} is a file, not the media folder: name the folder that holds the photos, videos and voice notes.", ExitCodes.BadSource),
    ];

    /// <exception cref="CliException">An option that names a folder names an existing file.</exception>
    public static void Check(ParseResult parsed)
    {
        foreach (var (command, option, message, exitCode) in Folders)
        {
            if (parsed.CommandResult.Command.Name != command) continue;
            // Only a value given on the line: asking for a required option that is missing throws (as under --help).
            if (parsed.CommandResult.Command.Options.FirstOrDefault(o => o.Name == option) is not { } given
                || parsed.GetResult(given) is not { Implicit: false } result) continue;
            string? path = result.GetValueOrDefault<string?>();
            if (!string.IsNullOrEmpty(path) && File.Exists(path))
                throw new CliException(exitCode, string.Format(System.Globalization.CultureInfo.InvariantCulture, message, path));
        }
    }
}
