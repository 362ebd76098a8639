using System.Diagnostics;
using System.Text;

namespace Lockbox.Cli.Tests.Processes;

/// <summary>
/// The built <c>lockbox</c> program running as its own process (real entry point, real signal handling), with its
/// output collected line by line so a test can wait for a line and then signal it.
/// </summary>
internal sealed class LockboxProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource _firstErrorLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();

    private LockboxProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Starts <c>dotnet lockbox.dll args...</c> with LOCKBOX_HOME=<paramref name="home"/>, no LOCKBOX_KEY and no stdin.</summary>
    public static LockboxProcess Start(string home, params string[] args)
    {
        var process = new Process { StartInfo = StartInfo(home, args) };
        var running = new LockboxProcess(process);
        process.OutputDataReceived += (_, e) => running.Append(running._out, e.Data, error: false);
        process.ErrorDataReceived += (_, e) => running.Append(running._error, e.Data, error: true);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>How to run <c>dotnet lockbox.dll args...</c> with LOCKBOX_HOME=<paramref name="home"/>, no LOCKBOX_KEY, all three streams redirected.</summary>
    public static ProcessStartInfo StartInfo(string home, IEnumerable<string> args)
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
        start.Environment.Remove("LOCKBOX_KEY");
        start.Environment["LOCKBOX_HOME"] = home;
        return start;
    }

    private void Append(StringBuilder to, string? line, bool error)
    {
        if (line is null) return;
        lock (_lock) to.Append(line).Append('\n');
        if (error) _firstErrorLine.TrySetResult();
    }

    /// <summary>Completes when the program has written its first line on stderr (its handlers are installed by then).</summary>
    public Task FirstErrorLine => _firstErrorLine.Task;

    /// <summary>
    /// Waits until the program holds the repository lock (the file at <paramref name="lockPath"/> exists), then stops it
    /// (SIGSTOP) so it keeps holding it however fast the machine finishes the backup. Its first line on stderr is no such
    /// signal: with output redirected, a short backup may print nothing before its final line.
    /// </summary>
    public Task StopWhileHoldingAsync(string lockPath, TimeSpan limit) => Task.Factory.StartNew(() =>
    {
        // On a thread of its own, polling every millisecond: a busy thread pool must not let a short backup finish unseen.
        DateTime deadline = DateTime.UtcNow + limit;
        while (!File.Exists(lockPath))
        {
            if (_process.HasExited) throw new InvalidOperationException($"lockbox ended (exit {_process.ExitCode}) before it took the lock: {ErrorText}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("lockbox did not take the lock in time.");
            Thread.Sleep(1);
        }
        Signal("STOP");
        if (!File.Exists(lockPath)) throw new InvalidOperationException("lockbox released the lock before it was stopped: give it a larger backup.");
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Sends <paramref name="signal"/> ("INT", "TERM", "KILL") with kill(1).</summary>
    public void Signal(string signal)
    {
        if (_process.HasExited) return;
        using Process kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit (at most <paramref name="limit"/>, then kills it and fails).</summary>
    public async Task<Support.CliResult> WaitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"lockbox did not exit within {limit}; stderr so far: {ErrorText}");
        }
        _process.WaitForExit(); // drains the asynchronous output readers
        lock (_lock) return new Support.CliResult(_process.ExitCode, _out.ToString(), _error.ToString());
    }

    private string ErrorText
    {
        get { lock (_lock) return _error.ToString(); }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
