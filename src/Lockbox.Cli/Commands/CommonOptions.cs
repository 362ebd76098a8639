using System.CommandLine;

namespace Lockbox.Cli.Commands;

/// <summary>Options several command groups share; each call makes a fresh option for one command.</summary>
internal static class CommonOptions
{
    public static Option<string> Repository() => new("--repo", "-r")
    {
        Description = "The repository: a folder path, s3://bucket/prefix or azure://container/prefix (docs/STORAGE.md)",
        Required = true,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the result as JSON on standard output",
    };
}
