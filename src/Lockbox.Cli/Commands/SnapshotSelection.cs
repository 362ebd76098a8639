using System.CommandLine;
using Lockbox.Repository;

namespace Lockbox.Cli.Commands;

/// <summary>
/// <c>--host</c>, <c>--path</c> and <c>--tag</c>, as restic selects snapshots (issue 13): each repeatable; a snapshot
/// matches one of the hosts, one of the paths, and all tags of one <c>--tag a,b</c>.
/// </summary>
internal sealed class SnapshotSelection
{
    private readonly Option<string[]> _host = new("--host") { Description = "Only snapshots of this device (repeatable)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string[]> _path = new("--path") { Description = "Only snapshots of this source: the database's full path, or whatsapp:FILE for an import (repeatable)" };
    private readonly Option<string[]> _tag = new("--tag") { Description = "Only snapshots with these tags: --tag a,b needs both, repeating --tag means either (repeatable)" };

    public void AddTo(Command command)
    {
        command.Options.Add(_host);
        command.Options.Add(_path);
        command.Options.Add(_tag);
    }

    public SnapshotFilter Filter(ParseResult parse) => new()
    {
        Hosts = parse.GetValue(_host) ?? [],
        Paths = (parse.GetValue(_path) ?? []).Select(p => p.StartsWith("whatsapp:", StringComparison.Ordinal) ? p : Path.GetFullPath(p)).ToArray(),
        Tags = (parse.GetValue(_tag) ?? []).Select(t => (IReadOnlyList<string>)t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
    };
}
