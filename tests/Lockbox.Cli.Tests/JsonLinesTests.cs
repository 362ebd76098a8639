using System.Text.Json;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>
/// Issue 13: <c>--json</c> on every command is JSON lines with a <c>messageType</c>, the same field names everywhere,
/// and failures as one JSON <c>error</c> line on standard error (README "Scripting").
/// </summary>
public sealed class JsonLinesTests : IDisposable
{
    private static readonly string[] SnapshotFields =
        ["messageType", "snapshotId", "sequence", "time", "device", "source", "tags", "database", "databaseBytes", "mediaFiles", "mediaBytes", "bytesAdded", "repositoryBytes"];

    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private static string[] Fields(JsonElement line) => [.. line.EnumerateObject().Select(p => p.Name)];

    private async Task<(string Key, GeneratedChat Chat)> InitAndBackUpAsync()
    {
        CliResult init = await _w.RunAsync("init", "--repo", _w.Repository, "--json");
        init.AssertSuccess();
        Assert.Equal(["messageType", "key", "repository", "keySource", "deviceState"], Fields(init.Summary()));
        GeneratedChat chat = _w.MakeChat(mediaBytes: 1L << 20);
        (await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory, "--json")).AssertSuccess();
        NextDay.Apply(chat.DatabasePath, 3);
        return (init.Summary().GetProperty("key").GetString()!, chat);
    }

    [Fact]
    public async Task EveryRepositoryCommandPrintsJsonLinesEndingInOneSummaryWithExactFields()
    {
        var (_, chat) = await InitAndBackUpAsync();
        CliResult backup = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory, "--json");
        backup.AssertSuccess();
        Assert.Equal([.. SnapshotFields, "seconds"], Fields(backup.Summary()));
        // Progress is on (stderr is not a terminal, no --no-progress): status lines come first, on stdout, never bars.
        List<JsonElement> status = backup.JsonLines("status");
        Assert.NotEmpty(status);
        Assert.All(status, s => Assert.Equal(["messageType", "action", "phase", "bytesDone", "bytesTotal", "percentDone", "secondsElapsed", "secondsRemaining", "filesDone", "filesTotal"], Fields(s)));
        Assert.All(status, s => Assert.Equal("backup", s.GetProperty("action").GetString()));
        // Files counted: by the end every media file and the database has been read.
        int files = Directory.GetFiles(chat.MediaDirectory, "*", SearchOption.AllDirectories).Length + 1;
        JsonElement last = status[^1];
        Assert.Equal("finish", last.GetProperty("phase").GetString());
        Assert.Equal(files, last.GetProperty("filesTotal").GetInt32());
        Assert.Equal(files, last.GetProperty("filesDone").GetInt32());
        Assert.Equal("", backup.Error);

        CliResult snapshots = await _w.RunAsync("snapshots", "--repo", _w.Repository, "--json");
        Assert.All(snapshots.JsonLines("snapshot"), s => Assert.Equal(SnapshotFields, Fields(s)));
        Assert.Equal(["messageType", "snapshots"], Fields(snapshots.Summary()));

        CliResult restore = await _w.RunAsync("restore", "--repo", _w.Repository, "--to", _w.PathOf("out"), "--json");
        restore.AssertSuccess();
        Assert.Equal(["messageType", "snapshotId", "device", "source", "target", "database", "mediaFiles", "bytesWritten", "secondsToMessages", "seconds", "missing"],
            Fields(restore.Summary()));
        Assert.Equal(backup.Summary().GetProperty("snapshotId").GetString(), restore.Summary().GetProperty("snapshotId").GetString());
        JsonElement restored = restore.JsonLines("status").Last(l => l.GetProperty("phase").GetString() == "finish");
        Assert.Equal(files, restored.GetProperty("filesTotal").GetInt32());
        Assert.Equal(files, restored.GetProperty("filesDone").GetInt32());

        CliResult ls = await _w.RunAsync("ls", "--repo", _w.Repository, "--json");
        Assert.Equal(["messageType", "snapshotId", "files", "bytes"], Fields(ls.Summary()));
        Assert.Equal(ls.JsonLines("file").Count, ls.Summary().GetProperty("files").GetInt32());

        CliResult diff = await _w.RunAsync("diff", "--repo", _w.Repository, "#1", "#2", "--json");
        Assert.Equal(["messageType", "fromSnapshotId", "toSnapshotId", "added", "removed", "changed", "databasePagesChanged", "databasePagesRemoved", "newDataBytes"],
            Fields(diff.Summary()));
        Assert.Equal(backup.Summary().GetProperty("snapshotId").GetString(), diff.Summary().GetProperty("toSnapshotId").GetString());

        CliResult stats = await _w.RunAsync("stats", "--repo", _w.Repository, "--json");
        Assert.Equal(["messageType", "snapshots", "logicalBytes", "uniqueBytes", "repositoryBytes", "dedupRatio", "latestDay", "latestDaySnapshots", "latestDayBytesAdded"],
            Fields(stats.Summary()));

        CliResult verify = await _w.RunAsync("verify", "--repo", _w.Repository, "--json", "--no-progress");
        Assert.Equal(["messageType", "ok", "snapshots", "packs", "blobsChecked", "bytesRead", "problems"], Fields(verify.Summary()));
        Assert.Single(verify.JsonLines());

        CliResult forget = await _w.RunAsync("forget", "--repo", _w.Repository, "--keep-last", "1", "--dry-run", "--json");
        forget.AssertSuccess();
        Assert.Equal(["messageType", "dryRun", "snapshotsRemoved", "snapshotsKept", "packsDeleted", "packsRepacked", "bytesFreed"], Fields(forget.Summary()));
        JsonElement forgotten = Assert.Single(forget.JsonLines("snapshot"));
        Assert.Equal(snapshots.JsonLines("snapshot")[0].GetProperty("snapshotId").GetString(), forgotten.GetProperty("snapshotId").GetString());

        CliResult unlock = await _w.RunAsync("unlock", "--repo", _w.Repository, "--json");
        Assert.Equal(["messageType", "removed", "removedPossiblyRunning"], Fields(unlock.Summary()));
        Assert.Equal(JsonValueKind.Null, unlock.Summary().GetProperty("removed").ValueKind);

        CliResult key = await _w.RunAsync("key", "show", "--json");
        Assert.Equal(["messageType", "key"], Fields(key.Summary()));
    }

    [Fact]
    public async Task WhatsAppCommandsPrintOneSummaryAndTheKeyWarningAsAJsonLine()
    {
        const string Digits = "6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017";
        string crypt15 = Path.Combine(SecretSourceTests.FindTestData(), "whatsapp", "msgstore.db.crypt15");
        string keyFile = _w.PathOf("key.txt");
        await File.WriteAllTextAsync(keyFile, Digits + "\n");
        string[] fileFields = ["messageType", "action", "input", "output", "format", "whatsAppVersion", "payload", "bytes", "seconds"];

        CliResult decrypt = await _w.RunAsync("whatsapp", "decrypt", crypt15, "--key-file", keyFile, "--out", _w.PathOf("plain.db"), "--json");
        decrypt.AssertSuccess();
        Assert.Equal(fileFields, Fields(decrypt.Summary()));
        Assert.Equal(new FileInfo(_w.PathOf("plain.db")).Length, decrypt.Summary().GetProperty("bytes").GetInt64());
        Assert.Equal("", decrypt.Error);

        CliResult encrypt = await _w.RunAsync("whatsapp", "encrypt", _w.PathOf("plain.db"), "--key", Digits, "--out", _w.PathOf("again.crypt15"), "--json");
        encrypt.AssertSuccess();
        Assert.Equal(fileFields, Fields(encrypt.Summary()));
        JsonElement warning = Assert.Single(encrypt.JsonErrorLines());
        Assert.Equal("warning", warning.GetProperty("messageType").GetString());
        Assert.StartsWith("--key showed the key in the process list", warning.GetProperty("message").GetString(), StringComparison.Ordinal);

        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        CliResult import = await _w.RunAsync("whatsapp", "import", crypt15, "--key-file", keyFile, "--repo", _w.Repository, "--json");
        import.AssertSuccess();
        Assert.Equal([.. SnapshotFields, "seconds"], Fields(import.Summary()));
        JsonElement listed = Assert.Single((await _w.RunAsync("snapshots", "--repo", _w.Repository, "--json")).JsonLines("snapshot"));
        Assert.Equal(listed.GetProperty("snapshotId").GetString(), import.Summary().GetProperty("snapshotId").GetString());
    }

    [Fact]
    public async Task BackupAndSnapshotsNameTheSameSnapshotWithTheSameFields()
    {
        var (_, chat) = await InitAndBackUpAsync();
        JsonElement listed = Assert.Single((await _w.RunAsync("snapshots", "--repo", _w.Repository, "--json")).JsonLines("snapshot"));
        CliResult again = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--json", "--no-progress");
        again.AssertSuccess();
        JsonElement made = again.Summary();
        JsonElement second = (await _w.RunAsync("snapshots", "--repo", _w.Repository, "--json")).JsonLines("snapshot")[1];
        Assert.NotEqual(listed.GetProperty("snapshotId").GetString(), made.GetProperty("snapshotId").GetString());
        foreach (string field in SnapshotFields.Where(f => f is not "messageType" and not "bytesAdded"))
            Assert.Equal(second.GetProperty(field).ToString(), made.GetProperty(field).ToString());
    }

    [Fact]
    public async Task BackupsBytesAddedIsTheSameNumberSnapshotsShows()
    {
        var (_, chat) = await InitAndBackUpAsync();
        CliResult backup = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--json", "--no-progress");
        JsonElement listed = (await _w.RunAsync("snapshots", "--repo", _w.Repository, "--json")).JsonLines("snapshot")[^1];
        Assert.Equal(listed.GetProperty("bytesAdded").GetInt64(), backup.Summary().GetProperty("bytesAdded").GetInt64());
    }

    [Fact]
    public async Task AtATerminalJsonStillWritesStatusLinesAndNeverBars()
    {
        (await _w.RunAsync("init", "--repo", _w.Repository)).AssertSuccess();
        GeneratedChat chat = _w.MakeChat(mediaBytes: 1L << 20);
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext
        {
            Out = output,
            Error = error,
            Environment = name => name == "LOCKBOX_HOME" ? _w.Home : null,
            Interactive = true, // a person watches: without --json this would draw Spectre bars on stderr
        };
        int code = await LockboxCli.RunAsync(["backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--media", chat.MediaDirectory, "--json"], context, CancellationToken.None);
        var result = new CliResult(code, output.ToString(), error.ToString());
        result.AssertSuccess();
        Assert.Equal("", result.Error);
        Assert.Equal(["database", "finish"], result.JsonLines("status").Select(s => s.GetProperty("phase").GetString()));
        Assert.All(result.JsonLines("status"), s => Assert.Equal(JsonValueKind.Null, s.GetProperty("percentDone").ValueKind));
        result.Summary();
    }

    [Fact]
    public async Task NoProgressLeavesOnlyTheSummary()
    {
        var (_, chat) = await InitAndBackUpAsync();
        CliResult backup = await _w.RunAsync("backup", "--repo", _w.Repository, "--db", chat.DatabasePath, "--json", "--no-progress");
        backup.AssertSuccess();
        Assert.Equal("summary", Assert.Single(backup.JsonLines()).GetProperty("messageType").GetString());
    }

    /// <summary>The failure as --json reports it: nothing on stdout, one error line on stderr with the text form's message.</summary>
    private static void AssertOneJsonError(CliResult json, CliResult text, int code)
    {
        Assert.Equal(code, json.ExitCode);
        Assert.Equal("", json.Out);
        JsonElement error = Assert.Single(json.JsonErrorLines());
        Assert.Equal(["messageType", "code", "message"], Fields(error));
        Assert.Equal("error", error.GetProperty("messageType").GetString());
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        string textLine = Assert.Single(text.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("lockbox: ", StringComparison.Ordinal));
        Assert.Equal(textLine["lockbox: ".Length..], error.GetProperty("message").GetString());
        json.AssertNoStackTrace();
    }

    [Fact]
    public async Task AWrongKeyIsOneJsonErrorLineWithItsExitCode()
    {
        await InitAndBackUpAsync();
        string wrong = new('7', 64);
        string[] args = ["snapshots", "--repo", _w.Repository];
        CliResult text = await _w.RunAsAsync(_w.PathOf("new-device"), wrong, args);
        CliResult json = await _w.RunAsAsync(_w.PathOf("new-device"), wrong, [.. args, "--json"]);
        AssertOneJsonError(json, text, 3);
        Assert.Contains("LOCKBOX_KEY", json.JsonErrorLines()[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownSnapshotIsOneJsonUsageErrorLine()
    {
        await InitAndBackUpAsync();
        string[] args = ["restore", "--repo", _w.Repository, "--to", _w.PathOf("out"), "--snapshot", "#9"];
        AssertOneJsonError(await _w.RunAsync([.. args, "--json"]), await _w.RunAsync(args), 2);
        Assert.False(Directory.Exists(_w.PathOf("out")));
    }

    [Fact]
    public async Task AParseErrorWithJsonIsOneJsonLineToo()
    {
        CliResult result = await _w.RunAsync("snapshots", "--json", "--no-such-flag", "--repo", _w.Repository);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        JsonElement error = Assert.Single(result.JsonErrorLines());
        Assert.Equal(2, error.GetProperty("code").GetInt32());
        Assert.Contains("--no-such-flag", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandsThatPrintForPeopleOnlyRefuseJson()
    {
        CliResult result = await _w.RunAsync("demo", "generate", "--to", _w.PathOf("demo"), "--json");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("'lockbox demo generate' has no --json output; run it without --json.", Assert.Single(result.JsonErrorLines()).GetProperty("message").GetString());
        Assert.False(Directory.Exists(_w.PathOf("demo")));
    }
}
