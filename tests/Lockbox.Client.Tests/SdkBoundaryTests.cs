using System.Reflection;

namespace Lockbox.Client.Tests;

/// <summary>What an app that embeds Lockbox.Client carries: no cloud SDK, and no reads of the process environment.</summary>
public sealed class SdkBoundaryTests
{
    private static readonly Assembly Sdk = typeof(LockboxClient).Assembly;

    [Fact]
    public void TheSdkReferencesNoCloudSdkOrStoreProject()
    {
        string[] names = Sdk.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Contains("Lockbox.Repository", names);
        // The vault's wire format (Lockbox.Vault.Protocol: records, sizes, no I/O) is shared with the server; nothing
        // else of the vault (core, HSM, cluster, server) may reach an app.
        Assert.Contains("Lockbox.Vault.Protocol", names);
        Assert.DoesNotContain(names, n => n.StartsWith("AWSSDK", StringComparison.Ordinal) || n.StartsWith("Azure", StringComparison.Ordinal)
            || n.StartsWith("Lockbox.Storage", StringComparison.Ordinal)
            || (n.StartsWith("Lockbox.Vault.", StringComparison.Ordinal) && n != "Lockbox.Vault.Protocol") || n == "Lockbox.Cli");
    }

    [Fact]
    public void TheSdkSourceReadsNoEnvironmentVariableAndSpeaksNoCliWording()
    {
        string source = Path.Combine(Root(), "src", "Lockbox.Client");
        // Vault/ (the vault client) is another piece of work's and still names the CLI's variables in two messages.
        foreach (string file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Vault{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            string text = File.ReadAllText(file);
            Assert.False(text.Contains("GetEnvironmentVariable", StringComparison.Ordinal), $"{file} reads the environment");
            Assert.False(text.Contains("'lockbox ", StringComparison.Ordinal), $"{file} tells the user to run a lockbox command");
            Assert.False(text.Contains("LOCKBOX_", StringComparison.Ordinal), $"{file} names a LOCKBOX_ variable");
        }
    }

    private static string Root()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Lockbox.slnx")))
            directory = Path.GetDirectoryName(directory);
        return directory ?? throw new InvalidOperationException("Lockbox.slnx not found above the test's folder.");
    }
}
