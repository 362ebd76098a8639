using Lockbox.Cli.Demo;

namespace Lockbox.Cli.Tests.Support;

/// <summary>
/// A temporary folder holding one test's devices, repositories and chats, removed afterwards. Runs the
/// real command line in-process, with its own LOCKBOX_HOME and LOCKBOX_KEY, so tests run side by side.
/// </summary>
internal sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "lockbox-cli-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        Home = Path.Combine(Root, "device");
        Repository = Path.Combine(Root, "repository");
    }

    public string Root { get; }

    /// <summary>The original device's state directory (LOCKBOX_HOME).</summary>
    public string Home { get; }

    /// <summary>A repository folder (created by init).</summary>
    public string Repository { get; }

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>A small generated chat: a WAL-mode database and media with forwarded copies.</summary>
    public GeneratedChat MakeChat(string name = "chat", long messages = 1_500, long mediaBytes = 2L << 20, ulong seed = 7)
        => ChatGenerator.Generate(PathOf(name), new ChatSpec(seed, 12, messages, long.MaxValue, mediaBytes), CancellationToken.None);

    /// <summary>Runs <c>lockbox args...</c> as the original device.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsAsync(Home, null, args);

    /// <summary>Runs <c>lockbox args...</c> with a given device state and LOCKBOX_KEY.</summary>
    public Task<CliResult> RunAsAsync(string home, string? key, params string[] args)
        => RunWithAsync(home, key, TextWriter.Null, CancellationToken.None, args);

    public Task<CliResult> RunWithAsync(string home, string? key, TextWriter extraError, CancellationToken cancellationToken, params string[] args)
        => RunWithAsync(home, key, null, extraError, cancellationToken, args);

    /// <summary>Runs with a "terminal" whose hidden prompt answers <paramref name="typed"/> (null: no terminal).</summary>
    public async Task<CliResult> RunWithAsync(string home, string? key, Func<string, string?>? typed, TextWriter extraError, CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new Dictionary<string, string?> { ["LOCKBOX_HOME"] = home, ["LOCKBOX_KEY"] = key };
        var context = new CliContext
        {
            Out = output,
            Error = new TeeWriter(error, extraError),
            Environment = name => environment.GetValueOrDefault(name),
            Interactive = false,
            ReadSecret = typed is null ? null : (prompt, _) => typed(prompt),
        };
        int code = await LockboxCli.RunAsync(args, context, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>lockbox args...</c> with a given device state and more environment (vault settings, LOCKBOX_PASSWORD).</summary>
    public async Task<CliResult> RunWithEnvironmentAsync(string home, IReadOnlyDictionary<string, string> more, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new Dictionary<string, string?>(more.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))) { ["LOCKBOX_HOME"] = home };
        var context = new CliContext
        {
            Out = output,
            Error = error,
            Environment = name => environment.GetValueOrDefault(name),
            Interactive = false,
        };
        int code = await LockboxCli.RunAsync(args, context, CancellationToken.None);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
