using System.CommandLine;
using Lockbox.Cli.Output.Json;

namespace Lockbox.Cli.Commands;

/// <summary><c>lockbox key show</c>: print this device's 64-digit key again.</summary>
internal static class KeyCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        var show = new Command("show", "Print this device's 64-digit backup key");
        show.SetAction(parse =>
        {
            string digits = context.CreateClient().ShowKey();
            if (context.Json)
                context.WriteJson(new KeySummary(digits.Replace(" ", "", StringComparison.Ordinal)), JsonLines.Types.KeySummary);
            else
                context.Out.WriteLine(digits);
            return ExitCodes.Success;
        });

        var key = new Command("key", "The backup key kept on this device") { show };
        yield return key;
    }
}
