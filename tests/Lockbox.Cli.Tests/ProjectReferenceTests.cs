using System.Xml.Linq;

namespace Lockbox.Cli.Tests;

/// <summary>
/// The CLI is a composition root over the SDK (issue 11): it references Lockbox.Client, the store projects it registers
/// and the vault server it hosts, nothing else; every flow an app needs lives in the SDK.
/// </summary>
public sealed class ProjectReferenceTests
{
    private static readonly string[] Allowed =
    [
        "Lockbox.Client",
        "Lockbox.Storage.S3",
        "Lockbox.Storage.Azure",
        "Lockbox.Vault.Server",
    ];

    /// <summary>
    /// Files of the CLI that another piece of work owns (the vault's Raft work) and that still name layers below the SDK
    /// directly. Shrink this list; never grow it.
    /// </summary>
    private static readonly string[] NotYetThroughTheSdk =
    [
        "Commands/VaultCommands.cs",
        "Commands/VaultOptions.cs",
        "Demo/PasswordDemo.cs",
        // Maps the vault server's VaultConfigurationException (Lockbox.Vault.Core) for 'lockbox vault ...'.
        "ErrorReporter.cs",
    ];

    /// <summary>
    /// Namespaces below the SDK that CLI code must reach through Lockbox.Client only. (Lockbox.Repository's top level and
    /// Lockbox.Repository.Storage are the SDK's surface: snapshots, results, errors, and the store contract an app registers.)
    /// </summary>
    private static readonly string[] BelowTheSdk =
    [
        "using Lockbox.Cryptography",
        "using Lockbox.Opaque",
        "using Lockbox.Vault.Core",
        "using Lockbox.Vault.Protocol",
        "using Lockbox.Repository.Format",
        "using Lockbox.Repository.Engine",
    ];

    [Fact]
    public void TheCliProjectReferencesOnlyTheSdkTheStoresAndTheVaultServer()
    {
        XDocument project = XDocument.Load(Path.Combine(Root(), "src", "Lockbox.Cli", "Lockbox.Cli.csproj"));
        string[] references = project.Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Allowed.Order(StringComparer.Ordinal), references);
    }

    [Fact]
    public void TheLockboxAssemblyReferencesNoLayerTheSdkDoesNotExpose()
    {
        // Lockbox.Client's public API carries types of Repository (snapshots, results, repository errors), Cryptography
        // (BackupKey), Opaque (Argon2id parameters) and WhatsApp (WhatsAppKey): those may appear. Vault.Core and the
        // HSM may not, except through the vault server the CLI hosts.
        string[] names = typeof(CliContext).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain("Lockbox.Vault.Hsm.Pkcs11", names);
        Assert.DoesNotContain("AWSSDK.S3", names);
        Assert.DoesNotContain("Azure.Storage.Blobs", names);
    }

    [Fact]
    public void CliCodeUsesNoNamespaceBelowTheSdk()
    {
        string source = Path.Combine(Root(), "src", "Lockbox.Cli");
        var offenders = new List<string>();
        foreach (string file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal) || NotYetThroughTheSdk.Contains(relative))
                continue;
            string text = File.ReadAllText(file);
            offenders.AddRange(BelowTheSdk.Where(u => text.Contains(u, StringComparison.Ordinal)).Select(u => $"{relative}: {u}"));
        }
        Assert.Empty(offenders);
    }

    private static string Root()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Lockbox.slnx")))
            directory = Path.GetDirectoryName(directory);
        return directory ?? throw new InvalidOperationException("Lockbox.slnx not found above the test's folder.");
    }
}
