using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Lockbox.Vault.Tests.Support;

/// <summary>
/// One SoftHSM2 token directory per test run: a temp softhsm2.conf, SOFTHSM2_CONF set in the native
/// environment (the module reads it at C_Initialize), and tokens made with softhsm2-util before that: the main one
/// and <see cref="NodeTokens"/> (a fleet's nodes each have their own token). Tests keep apart by key label prefix,
/// so the module is initialised once per process.
/// </summary>
internal static partial class SoftHsm
{
    public const string TokenLabel = "lockbox-test";
    public const string UserPin = "4321";

    /// <summary>More tokens in the same directory, one per node of a PKCS#11 fleet (the first is <see cref="TokenLabel"/>).</summary>
    public static readonly string[] NodeTokens = [TokenLabel, "lockbox-test-2", "lockbox-test-3"];
    private const string SoPin = "12345678";

    private static readonly Lazy<string> Setup = new(Create);

    public static string LibraryPath =>
        Environment.GetEnvironmentVariable("LOCKBOX_TEST_PKCS11_LIBRARY") is { Length: > 0 } path ? path : "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>The token dir (created on first use).</summary>
    public static string TokenDirectory => Setup.Value;

    public static string NewKeyPrefix() => "t-" + Guid.NewGuid().ToString("N");

    private static string Create()
    {
        string root = Path.Combine(Path.GetTempPath(), "lockbox-softhsm-" + Guid.NewGuid().ToString("N"));
        string tokens = Path.Combine(root, "tokens");
        Directory.CreateDirectory(tokens);
        string conf = Path.Combine(root, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
        if (SetEnv("SOFTHSM2_CONF", conf, 1) != 0) throw new InvalidOperationException("setenv failed");
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", conf);

        foreach (string label in NodeTokens)
        {
            var start = new ProcessStartInfo("softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", SoPin, "--pin", UserPin])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["SOFTHSM2_CONF"] = conf;
            using Process process = Process.Start(start) ?? throw new InvalidOperationException("softhsm2-util did not start");
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException("softhsm2-util --init-token failed: " + output);
        }
        return tokens;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
