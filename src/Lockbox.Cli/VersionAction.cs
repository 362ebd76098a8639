using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Lockbox.Repository;

namespace Lockbox.Cli;

/// <summary>
/// <c>lockbox --version</c>: the program's version and the repository format versions it reads and writes, so a user
/// with repositories made by another build knows whether this one opens them (borg and restic print their version alike).
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    /// <summary>The text printed, one line.</summary>
    public static string Text()
    {
        string version = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(VersionAction).Assembly.GetName().Version?.ToString() ?? "unknown";
        string formats = RepositoryFormat.Oldest == RepositoryFormat.Current
            ? $"{RepositoryFormat.Current}"
            : $"{RepositoryFormat.Current} (reads and writes formats {RepositoryFormat.Oldest} to {RepositoryFormat.Current})";
        return $"lockbox {version}; repository format {formats}; .NET {Environment.Version}";
    }

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Text());
        return ExitCodes.Success;
    }
}
