using System.Diagnostics;
using System.Text;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests.Processes;

/// <summary>
/// The hidden key prompt on a real terminal (a pseudo-terminal from script(1)): a typo is asked again (at most three
/// times), nothing typed is echoed, and a wrong key is reported with where it came from — the prompt, LOCKBOX_KEY or
/// the key file.
/// </summary>
public sealed class KeyPromptTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);
    private const string Prompt = "Enter your 64-digit backup key:";
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    [Fact]
    public async Task ATypoIsAskedAgainAndTheRightKeyThenOpensTheRepository()
    {
        string key = await InitAsync();
        using var terminal = Terminal.Start(_w, "snapshots", "--repo", _w.Repository);

        await terminal.WaitForAsync(Prompt, 1);
        await terminal.TypeAsync("0123 4567 89ab\r");
        await terminal.WaitForAsync("Try again (2 left).", 1);
        await terminal.WaitForAsync(Prompt, 2);
        await terminal.TypeAsync(key + "\r");
        int code = await terminal.ExitAsync();

        string screen = terminal.Screen;
        Assert.True(code == 0, $"exit {code}; terminal: {screen}");
        Assert.Contains("The 64-digit key has 12 digits, not 64", screen, StringComparison.Ordinal);
        Assert.DoesNotContain(key, screen, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("89ab", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreeTyposEndTheCommandWithOneLine()
    {
        await InitAsync();
        using var terminal = Terminal.Start(_w, "snapshots", "--repo", _w.Repository);

        for (int i = 1; i <= 3; i++)
        {
            await terminal.WaitForAsync(Prompt, i);
            await terminal.TypeAsync("not a key\r");
        }
        int code = await terminal.ExitAsync();

        Assert.True(code == 2, $"exit {code}; terminal: {terminal.Screen}");
        Assert.Contains("No valid key after 3 tries.", terminal.Screen, StringComparison.Ordinal);
        Assert.Equal(3, Count(terminal.Screen, Prompt));
    }

    [Fact]
    public async Task AWrongKeyTypedAtThePromptSaysItCameFromThePrompt()
    {
        await InitAsync();
        using var terminal = Terminal.Start(_w, "snapshots", "--repo", _w.Repository);

        await terminal.WaitForAsync(Prompt, 1);
        await terminal.TypeAsync(new string('7', 64) + "\r");
        int code = await terminal.ExitAsync();

        Assert.True(code == 3, $"exit {code}; terminal: {terminal.Screen}");
        Assert.Contains("Wrong key: the key from the prompt does not open the repository.", terminal.Screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongKeyFromTheEnvironmentOrAFileSaysWhichOne()
    {
        await InitAsync();
        string wrong = new('7', 64);
        string newDevice = _w.PathOf("other-device");

        (await _w.RunAsAsync(newDevice, wrong, "snapshots", "--repo", _w.Repository))
            .AssertOneLineFailure(3, "Wrong key: the key from LOCKBOX_KEY does not open the repository.");

        string file = _w.PathOf("key.txt");
        File.WriteAllText(file, wrong + "\n");
        (await _w.RunAsAsync(newDevice, null, "snapshots", "--repo", _w.Repository, "--key-file", file))
            .AssertOneLineFailure(3, $"Wrong key: the key from the key file {file} (--key-file) does not open the repository.");
    }

    private async Task<string> InitAsync()
    {
        CliResult init = await _w.RunAsync("init", "--repo", _w.Repository, "--json");
        init.AssertSuccess();
        return init.Summary().GetProperty("key").GetString()!.Replace(" ", "", StringComparison.Ordinal);
    }

    private static int Count(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    /// <summary>lockbox on a new device (no key) on a pseudo-terminal; what it shows, and keys typed into it.</summary>
    private sealed class Terminal : IDisposable
    {
        private readonly Process _script;
        private readonly StringBuilder _screen = new();
        private readonly Task _reader;

        private Terminal(Process script)
        {
            _script = script;
            _reader = Task.Run(async () =>
            {
                char[] buffer = new char[256];
                int n;
                while ((n = await script.StandardOutput.ReadAsync(buffer)) > 0)
                {
                    lock (_screen) _screen.Append(buffer, 0, n);
                }
            });
        }

        public string Screen
        {
            get { lock (_screen) return _screen.ToString(); }
        }

        public static Terminal Start(Workspace w, params string[] args)
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "lockbox.dll");
            // script(1) runs the command with $SHELL -c (dash or bash); exec puts lockbox in the shell's place.
            string command = $"exec dotnet '{dll}' " + string.Join(' ', args.Select(a => $"'{a}'"));
            var start = new ProcessStartInfo("script", ["-qec", command, "/dev/null"])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.Environment.Remove("LOCKBOX_KEY");
            start.Environment["LOCKBOX_HOME"] = w.PathOf("new-device");
            return new Terminal(Process.Start(start)!);
        }

        /// <summary>Waits (at most a minute) until <paramref name="text"/> has shown <paramref name="times"/> times.</summary>
        public async Task WaitForAsync(string text, int times)
        {
            var deadline = DateTime.UtcNow + Limit;
            while (Count(Screen, text) < times)
            {
                Assert.True(DateTime.UtcNow < deadline && !_script.HasExited || Count(Screen, text) >= times,
                    $"'{text}' did not show {times} time(s); terminal: {Screen}");
                await Task.Delay(20);
            }
        }

        /// <summary>
        /// Types after a pause, as a person does: the terminal itself echoes what arrives before the program starts
        /// reading (the prompt is on screen a moment before its read begins), which is not the program's echo.
        /// </summary>
        public async Task TypeAsync(string keys)
        {
            await Task.Delay(300);
            await _script.StandardInput.WriteAsync(keys);
            await _script.StandardInput.FlushAsync();
        }

        public async Task<int> ExitAsync()
        {
            using var timeout = new CancellationTokenSource(Limit);
            await _script.WaitForExitAsync(timeout.Token);
            await _reader;
            return _script.ExitCode;
        }

        public void Dispose()
        {
            if (!_script.HasExited) _script.Kill(entireProcessTree: true);
            _script.Dispose();
        }
    }
}
