using System.CommandLine;
using Lockbox.Vault.Server.Hosting;

namespace Lockbox.Cli.Commands;

/// <summary>
/// <c>lockbox vault provision request|wrap|accept</c>: the PKCS#11 fleet ceremony (docs/VAULT-API.md, "Fleet secrets").
/// On the new node <c>request</c> makes a key pair in its token and writes a request file; on the ceremony node
/// <c>wrap</c> wraps the fleet secrets for that token; on the new node <c>accept</c> unwraps them into its token.
/// The PIN comes from LOCKBOX_HSM_PIN on each machine, never argv.
/// </summary>
internal static class VaultProvisionCommands
{
    public static Command Create(CliContext context) =>
        new("provision", $"Provision a new PKCS#11 node with the fleet's secrets, wrapped for its own token (PIN from {VaultHost.PinVariable})")
        {
            Request(context), Wrap(context), Accept(context),
        };

    private static Command Request(CliContext context)
    {
        var dir = new Option<string>("--dir") { Description = "The new node's vault directory (new or empty)", Required = true };
        var library = new Option<string>("--pkcs11-library") { Description = "The PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so", Required = true };
        var label = new Option<string>("--token-label") { Description = "The new node's own token", Required = true };
        var prefix = new Option<string>("--key-label-prefix") { Description = "Label prefix of the vault's key objects in the token", DefaultValueFactory = _ => "lockbox-vault" };
        var output = new Option<string?>("--out") { Description = "Where to write the request file (default DIR/provision.request)" };
        var command = new Command("request", "On the new node: make a wrapping key pair in its token and write the request file for the ceremony node")
        {
            dir, library, label, prefix, output,
        };
        command.SetAction(parse =>
        {
            string written = FleetProvisioning.Request(parse.GetRequiredValue(dir), parse.GetRequiredValue(library), parse.GetRequiredValue(label),
                parse.GetRequiredValue(prefix), context.Environment(VaultHost.PinVariable), parse.GetValue(output));
            context.Error.WriteLine($"lockbox: the token's wrapping key is ready; take {written} to the ceremony node and run 'vault provision wrap' there.");
            context.Out.WriteLine(written);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Wrap(CliContext context)
    {
        var dir = new Option<string>("--dir") { Description = "The ceremony node's vault directory (where vault init ran)", Required = true };
        var request = new Option<string>("--request") { Description = "The new node's request file", Required = true };
        var output = new Option<string>("--out") { Description = "The fleet-secrets file to write (new)", Required = true };
        var command = new Command("wrap", "On the ceremony node: wrap the fleet secrets for the token that made the request") { dir, request, output };
        command.SetAction(parse =>
        {
            FleetProvisioning.Wrap(parse.GetRequiredValue(dir), parse.GetRequiredValue(request), parse.GetRequiredValue(output), context.Environment(VaultHost.PinVariable));
            context.Error.WriteLine($"lockbox: wrote {parse.GetRequiredValue(output)}; only the requesting token can unwrap it. Run 'vault provision accept' on the new node.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Accept(CliContext context)
    {
        var dir = new Option<string>("--dir") { Description = "The new node's vault directory (with its pending request)", Required = true };
        var from = new Option<string>("--from") { Description = "The fleet-secrets file from 'vault provision wrap'", Required = true };
        var fleetKey = new Option<string?>("--fleet-key") { Description = "The fleet key devices pin (lbfk1.…): refuse a file from any other fleet" };
        var command = new Command("accept", "On the new node: unwrap the fleet secrets into its token and complete its vault directory; prints the fleet key")
        {
            dir, from, fleetKey,
        };
        command.SetAction(parse =>
        {
            string accepted = FleetProvisioning.Accept(parse.GetRequiredValue(dir), parse.GetRequiredValue(from), context.Environment(VaultHost.PinVariable), parse.GetValue(fleetKey));
            context.Error.WriteLine("lockbox: provisioned. The fleet key follows; it must be the one devices pin.");
            context.Out.WriteLine(accepted);
            return ExitCodes.Success;
        });
        return command;
    }
}
