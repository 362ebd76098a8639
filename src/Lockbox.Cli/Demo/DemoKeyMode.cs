namespace Lockbox.Cli.Demo;

/// <summary>How the demo's user protects the backup key (DESIGN.md, "Keys": the two options).</summary>
internal enum DemoKeyMode
{
    /// <summary>The user keeps the 64-digit key and types it on the new device.</summary>
    Digits,

    // Password mode (key escrowed in the vault behind OPAQUE) is added here by the vault work:
    // DemoRunner.ProtectKeyAsync and DemoRunner.RecoverKeyAsync are the two places it plugs in.
}
