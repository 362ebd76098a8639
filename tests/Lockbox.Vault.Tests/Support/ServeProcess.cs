using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Lockbox.Vault.Tests.Support;

/// <summary>
/// <c>lockbox vault serve</c> as a separate operating-system process (the built <c>lockbox.dll</c> beside the
/// tests), so tests can run two nodes for real. Dispose kills it (this process only, by its own handle).
/// </summary>
internal sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();

    private ServeProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>What it wrote to stdout (its JSON console log).</summary>
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The address it serves on, once its "vault serving on" line appeared; null if it exited first.</summary>
    public Uri? Address { get; private set; }

    public static ServeProcess Start(IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lockbox.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        foreach ((string k, string v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        return new ServeProcess(Process.Start(start)!);
    }

    /// <summary>Waits until the node says it serves (true) or the process exits (false).</summary>
    public async Task<bool> WaitServingAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!cts.IsCancellationRequested)
        {
            Match m = ServingLine().Match(Stderr);
            if (m.Success)
            {
                Address = new Uri(m.Groups["url"].Value);
                return true;
            }
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(CancellationToken.None); // drains the redirected streams
                return false;
            }
            await Task.Delay(50, CancellationToken.None);
        }
        throw new TimeoutException("vault serve neither served nor exited: " + Stderr);
    }

    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"vault serving on (?<url>https?://[^ ]+/) \(fleet key")]
    private static partial Regex ServingLine();
}
