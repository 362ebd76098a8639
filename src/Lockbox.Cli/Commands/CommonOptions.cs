using System.CommandLine;

namespace Lockbox.Cli.Commands;

/// <summary>Options several command groups share; each call makes a fresh option for one command.</summary>
internal static class CommonOptions
{
    /// <summary>The variable that stands in for <c>--repo</c> when the flag is not given (restic's RESTIC_REPOSITORY).</summary>
    public const string RepositoryVariable = "LOCKBOX_REPOSITORY";

    public static Option<string> Repository() => new("--repo", "-r")
    {
        Description = $"The repository: a folder path, s3://bucket/prefix or azure://container/prefix (docs/STORAGE.md); default {RepositoryVariable}",
        Required = true,
    };

    /// <summary>
    /// Makes <see cref="RepositoryVariable"/> the default of every command's <c>--repo</c> (the flag wins): a required
    /// <c>--repo</c> is then satisfied by the variable, an optional one (password commands) takes it as its value.
    /// </summary>
    public static void DefaultRepositoryFromEnvironment(Command command, CliContext context)
    {
        string? address = context.Environment(RepositoryVariable);
        if (string.IsNullOrWhiteSpace(address)) return;
        foreach (Option option in command.Options)
        {
            if (option.Name != "--repo") continue;
            if (option is Option<string> repository)
            {
                repository.Required = false;
                repository.DefaultValueFactory = _ => address;
            }
        }
        foreach (Command child in command.Subcommands)
            DefaultRepositoryFromEnvironment(child, context);
    }
}
