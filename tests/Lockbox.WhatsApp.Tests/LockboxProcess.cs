using System.Diagnostics;

namespace Lockbox.WhatsApp.Tests;

/// <summary>Runs the built <c>lockbox</c> program as a separate process with its own LOCKBOX_HOME and closed stdin.</summary>
internal static class LockboxProcess
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        /// <summary>Exactly one "lockbox: ..." line holding <paramref name="text"/>, the exit code, and no stack trace.</summary>
        public void AssertOneLineFailure(int exitCode, string text)
        {
            Assert.True(ExitCode == exitCode, $"exit code {ExitCode}, expected {exitCode}; stderr: {Error}; stdout: {Out}");
            string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Single(lines);
            Assert.StartsWith("lockbox: ", lines[0], StringComparison.Ordinal);
            Assert.Contains(text, lines[0], StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("   at ", Error, StringComparison.Ordinal);
        }

        public void AssertSuccess() => Assert.True(ExitCode == 0, $"exit code {ExitCode}; stderr: {Error}; stdout: {Out}");
    }

    public static async Task<Result> RunAsync(string home, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lockbox.dll"));
        foreach (string a in args)
            start.ArgumentList.Add(a);
        start.Environment.Remove("LOCKBOX_KEY");
        start.Environment["LOCKBOX_HOME"] = home;
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }
}
