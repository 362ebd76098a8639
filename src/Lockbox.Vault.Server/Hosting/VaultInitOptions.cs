namespace Lockbox.Vault.Server.Hosting;

/// <summary>Inputs of the key ceremony (<c>lockbox vault init</c>). Take the PIN from the environment (LOCKBOX_HSM_PIN), never from argv.</summary>
public sealed record VaultInitOptions
{
    /// <summary>The vault directory; must not exist yet, or be empty.</summary>
    public required string Directory { get; init; }

    /// <summary>"software" (keys in DIR/hsm.key) or "pkcs11".</summary>
    public string Hsm { get; init; } = "software";

    public string? Pkcs11Library { get; init; }
    public string? TokenLabel { get; init; }
    public string? Pin { get; init; }

    /// <summary>Label prefix of the key objects in the token.</summary>
    public string KeyLabelPrefix { get; init; } = "lockbox-vault";

    /// <summary>Default guess limit for enrolments that do not ask for one.</summary>
    public int GuessLimit { get; init; } = Core.State.VaultPolicy.DefaultGuessLimitValue;

    public override string ToString() => $"VaultInitOptions({Directory}, {Hsm}, pin ***)";
}
