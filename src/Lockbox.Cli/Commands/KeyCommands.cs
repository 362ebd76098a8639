using System.CommandLine;
using Lockbox.Cli.Output;

namespace Lockbox.Cli.Commands;

/// <summary><c>lockbox key show</c>: print this device's 64-digit key again.</summary>
internal static class KeyCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        Option<bool> json = CommonOptions.Json();
        var show = new Command("show", "Print this device's 64-digit backup key") { json };
        show.SetAction(parse =>
        {
            string digits = context.CreateClient().ShowKey();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("key", digits.Replace(" ", "", StringComparison.Ordinal));
                    w.WriteEndObject();
                });
            }
            else
            {
                context.Out.WriteLine(digits);
            }
            return ExitCodes.Success;
        });

        var key = new Command("key", "The backup key kept on this device") { show };
        yield return key;
    }
}
