using System.CommandLine;
using Lockbox.Client.Vault;
using Lockbox.Repository;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Cli.Commands;

/// <summary>
/// The options every password-mode command shares (--vault, --account, --token, --fleet-key, --vault-dir,
/// --argon2) and how they, the environment (LOCKBOX_ACCOUNT_TOKEN, LOCKBOX_FLEET_KEY, LOCKBOX_ARGON2) and
/// the repository's hints become a <see cref="VaultClientOptions"/>. Secrets never come from argv except
/// the account token, which the app owns; the password never does.
/// </summary>
internal sealed class VaultOptions
{
    public const string TokenVariable = "LOCKBOX_ACCOUNT_TOKEN";
    public const string FleetKeyVariable = "LOCKBOX_FLEET_KEY";
    public const string Argon2Variable = "LOCKBOX_ARGON2";

    /// <summary>The file in LOCKBOX_HOME where the highest fleet map version accepted per fleet key is kept.</summary>
    public const string FleetMapPinFile = "fleet-maps";

    public Option<string?> Vault { get; } = new("--vault") { Description = "The key vault's address, e.g. http://127.0.0.1:8443, or a replicated vault's node addresses, comma-separated (default: the one the repository remembers)" };

    public Option<string?> Account { get; } = new("--account") { Description = "The account id at the vault (default: the one the repository remembers)" };

    public Option<string?> Token { get; } = new("--token") { Description = $"The app's account credential for the vault (default: {TokenVariable})" };

    public Option<string?> FleetKey { get; } = new("--fleet-key") { Description = $"The vault's fleet key to pin (lbfk1.…), as 'lockbox vault init' printed it (or {FleetKeyVariable})" };

    public Option<string?> VaultDir { get; } = new("--vault-dir") { Description = "Read the fleet public key to pin from this vault directory" };

    public Option<string?> Argon2 { get; } = new("--argon2") { Description = $"Argon2id preset to register a password with: {KeyStretchingPresets.Syntax} (or {Argon2Variable}); logins use the parameters the vault keeps for the account" };

    // --- Transport (issue 9, finding 4): how the device checks the vault's TLS. ---------------------------------
    public const string VaultCaVariable = "LOCKBOX_VAULT_CA";

    public Option<string?> VaultCa { get; } = new("--vault-ca") { Description = $"PEM file of the certificate(s) to trust for the vault's https:// (a private CA or 'lockbox vault dev-cert'; or {VaultCaVariable})" };

    public Option<bool> Insecure { get; } = new("--insecure") { Description = "Allow a plain http:// vault that is not on this machine (the account token then crosses the network in clear)" };

    private void AddTransportTo(Command command)
    {
        command.Options.Add(VaultCa);
        command.Options.Add(Insecure);
    }

    private string? TrustedCertificates(ParseResult parse, CliContext context) =>
        parse.GetValue(VaultCa) ?? (context.Environment(VaultCaVariable) is { Length: > 0 } ca ? ca : null);
    // --- end of transport ----------------------------------------------------------------------------------------

    public void AddTo(Command command)
    {
        AddTransportTo(command);
        command.Options.Add(Vault);
        command.Options.Add(Account);
        command.Options.Add(Token);
        command.Options.Add(FleetKey);
        command.Options.Add(VaultDir);
        command.Options.Add(Argon2);
    }

    /// <summary>True when the command line names a vault.</summary>
    public bool Given(ParseResult parse) => parse.GetValue(Vault) is not null || parse.GetValue(Account) is not null;

    /// <summary>
    /// The vault client options from the command line, the environment and (for what is missing) the
    /// repository's hints; a missing or malformed piece is a usage error saying how to supply it.
    /// </summary>
    public VaultClientOptions Resolve(ParseResult parse, CliContext context, RepositoryHints? hints = null)
    {
        string url = parse.GetValue(Vault) ?? hints?.VaultUrl
            ?? throw new CliException(ExitCodes.Usage, "Name the key vault with --vault URL (this repository does not remember one).");
        var nodes = new List<Uri>();
        foreach (string one in url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(one, UriKind.Absolute, out Uri? node) || (node.Scheme != Uri.UriSchemeHttp && node.Scheme != Uri.UriSchemeHttps))
                throw new CliException(ExitCodes.Usage, $"--vault '{one}' is not an http:// or https:// address.");
            nodes.Add(node);
        }
        if (nodes.Count == 0) throw new CliException(ExitCodes.Usage, "--vault names no address.");
        Uri vaultUrl = nodes[0];
        string account = parse.GetValue(Account) ?? hints?.AccountId
            ?? throw new CliException(ExitCodes.Usage, "Name the vault account with --account ID (this repository does not remember one).");
        string token = parse.GetValue(Token) ?? context.Environment(TokenVariable)
            ?? throw new CliException(ExitCodes.Usage, $"The vault needs the app's account credential: set {TokenVariable} (or pass --token); 'lockbox vault token' mints a development one.");

        // The parameters a password is registered with. Logins take the account's parameters from the vault's
        // signed status; the repository's hints are not authenticated, so they are never used for them.
        string? argon = parse.GetValue(Argon2) ?? context.Environment(Argon2Variable);
        if (!KeyStretchingPresets.TryParse(argon, out var stretching, out string? argonError))
            throw new CliException(ExitCodes.Usage, argonError!);

        return new VaultClientOptions
        {
            VaultUrl = vaultUrl,
            VaultUrls = nodes.Count > 1 ? nodes : null,
            AccountId = account.Trim(),
            AccountToken = token.Trim(),
            FleetPublicKey = PinnedKey(parse, context),
            KeyStretching = stretching!,
            TrustedCertificatesPath = TrustedCertificates(parse, context),
            AllowInsecureHttp = parse.GetValue(Insecure),
            // The fleet map version this device accepted lives in its own state, never in the repository's hints.
            FleetMapPin = new FleetMapPin(Path.Combine(context.DeviceState().Directory, FleetMapPinFile)),
        };
    }

    private byte[] PinnedKey(ParseResult parse, CliContext context)
    {
        string? text = parse.GetValue(FleetKey);
        string source = "--fleet-key";
        if (text is null && parse.GetValue(VaultDir) is { } dir)
        {
            try
            {
                text = VaultHost.ReadFleetPublicKey(dir);
            }
            catch (Lockbox.Vault.Core.VaultConfigurationException e)
            {
                throw new CliException(ExitCodes.Usage, e.Message);
            }
            source = $"the vault directory {dir}";
        }
        if (text is null && context.Environment(FleetKeyVariable) is { Length: > 0 } fromEnvironment)
        {
            text = fromEnvironment;
            source = FleetKeyVariable;
        }
        if (text is null)
            throw new CliException(ExitCodes.Usage, $"Pin the vault's fleet public key: --fleet-key KEY (as 'lockbox vault init' printed it), --vault-dir DIR, or {FleetKeyVariable}.");
        if (!Client.Vault.FleetKey.TryParse(text, out byte[] key, out string? error))
            throw new CliException(ExitCodes.Usage, $"Fleet key from {source}: {error}");
        return key;
    }
}
