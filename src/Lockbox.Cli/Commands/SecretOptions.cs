using System.CommandLine;

namespace Lockbox.Cli.Commands;

/// <summary>
/// <c>--key-file</c>, <c>--password-file</c> and <c>--password-command</c> on every command that opens a repository
/// (each with a <c>--repo</c>), so no secret needs to be on a command line or in the environment. After parsing,
/// <see cref="Apply"/> hands the given values to <see cref="CliContext"/>, where <see cref="Secrets"/> reads them.
/// A command with its own <c>--key-file</c> (<c>whatsapp import</c>: the WhatsApp key) keeps it; its repository key
/// then comes from <see cref="Secrets.KeyFileVariable"/> or <see cref="CliContext.KeyVariable"/>.
/// </summary>
internal sealed class SecretOptions
{
    private readonly List<Option<string?>> _keyFiles = [];
    private readonly List<Option<string?>> _passwordFiles = [];
    private readonly List<Option<string?>> _passwordCommands = [];

    /// <summary>Adds the options to <paramref name="command"/> and every command under it that takes <c>--repo</c>.</summary>
    public void AddTo(Command command)
    {
        if (command.Options.Any(o => o.Name == "--repo"))
        {
            if (!command.Options.Any(o => o.Name == "--key-file"))
            {
                var keyFile = new Option<string?>("--key-file") { Description = $"A file holding the 64-digit backup key (default {Secrets.KeyFileVariable}; else {CliContext.KeyVariable} or a prompt)" };
                _keyFiles.Add(keyFile);
                command.Options.Add(keyFile);
            }
            var passwordFile = new Option<string?>("--password-file") { Description = $"Password mode: read the password from this file's first line (default {Secrets.PasswordFileVariable})" };
            var passwordCommand = new Option<string?>("--password-command") { Description = $"Password mode: run this through /bin/sh -c; the first line it prints is the password (default {Secrets.PasswordCommandVariable})" };
            _passwordFiles.Add(passwordFile);
            _passwordCommands.Add(passwordCommand);
            command.Options.Add(passwordFile);
            command.Options.Add(passwordCommand);
        }
        foreach (Command child in command.Subcommands)
            AddTo(child);
    }

    /// <summary>Copies the parsed command's values into <paramref name="context"/>.</summary>
    public void Apply(ParseResult parsed, CliContext context)
    {
        IList<Option> options = parsed.CommandResult.Command.Options;
        context.KeyFile = Given(parsed, options, _keyFiles);
        context.PasswordFile = Given(parsed, options, _passwordFiles);
        context.PasswordCommand = Given(parsed, options, _passwordCommands);
    }

    private static string? Given(ParseResult parsed, IList<Option> options, List<Option<string?>> mine)
    {
        foreach (Option<string?> option in mine)
        {
            if (options.Contains(option))
                return parsed.GetValue(option);
        }
        return null;
    }
}
