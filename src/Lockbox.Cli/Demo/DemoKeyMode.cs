namespace Lockbox.Cli.Demo;

/// <summary>How the demo's user protects the backup key (DESIGN.md, "Keys": the two options).</summary>
internal enum DemoKeyMode
{
    /// <summary>The user keeps the 64-digit key and types it on the new device.</summary>
    Digits,

    /// <summary>The key is escrowed in a key vault (embedded on loopback) behind a password (<see cref="PasswordDemo"/>).</summary>
    Password,
}
