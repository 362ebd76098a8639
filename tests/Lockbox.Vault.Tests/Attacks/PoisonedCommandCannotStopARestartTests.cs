using System.Net;
using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Server.Hsm;
using Lockbox.Vault.Server.Storage;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Attacks;

/// <summary>
/// Issue 9, finding 3. A command that cannot apply (the old killer: an account id over 255 bytes reaching the
/// OPRF key derivation) used to throw on every replay, so the vault never started again. Now nothing invalid
/// is logged, and a logged command that cannot apply is a deterministic no-op: the vault starts from its own log.
/// </summary>
public sealed class PoisonedCommandCannotStopARestartTests
{
    [Fact]
    public async Task PoisonEntriesInTheLogAreNoOpsAndTheVaultRestarts()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient amy = v.Client("amy");
        using BackupKey k = BackupKey.Generate();
        await amy.EnrolAsync("pw", k);
        await amy.LoginAsync("wrong");
        await v.Vault.DisposeAsync();

        // Straight into the sealed log, as an older build (or a bug) could have written them.
        string killer = new('a', 300);
        byte[] ke1 = VaultTestClient.Opaque.GenerateKE1("x"u8).KE1.Serialize();
        using (var hsm = SoftwareHsm.Open(Path.Combine(v.Directory, "hsm.key")))
        using (CommandLog log = CommandLog.Open(hsm, Path.Combine(v.Directory, "state"), out _, out _))
        {
            log.Append(CommandCodec.Serialize(new StartLoginCommand(killer, 1, ke1, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(160))));
            log.Append(CommandCodec.Serialize(new EnrolCommand("amy2", 2, new byte[192], new byte[3], new byte[32], 10, [], null)));
            log.Append(CommandCodec.Serialize(new StartLoginCommand("amy", 3, ke1, new byte[5], new byte[1])));
            log.Append(CommandCodec.Serialize(new ChangePasswordCommand("amy", 4, new byte[32], new byte[192], new byte[60], new byte[7], new KsfParameters(0, 0, 0))));
        }

        await v.RestartAsync();
        amy = v.Client("amy");

        VaultState state = await v.Vault.Node.ReadStateAsync();
        Assert.Equal(["amy"], state.Accounts.Keys);
        Assert.Equal(9, (await amy.StatusAsync()).GuessesLeft);
        Assert.NotNull((await amy.LoginAsync("pw")).Key);
        await v.RestartAsync(); // and again, with the poison still in the log or compacted away
        Assert.Equal(HttpStatusCode.OK, (await v.Client("amy").StatusAsync()).Status);
    }

    [Fact]
    public async Task AnOverlongAccountIdOverHttpIsRefusedUnloggedAndTheVaultRestarts()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        long seq = v.Vault.Node.LastSeq;
        var client = new VaultTestClient(v.Http, new string('b', 300), "irrelevant", v.Vault.FleetPublicKey);

        VaultTestClient.Reply reply = await client.PostAsync("login/start", new { ke1 = VaultTestClient.B64(VaultTestClient.Opaque.GenerateKE1("x"u8).KE1.Serialize()) });

        // No credential can name such an id, so authentication refuses it (401) before the id rule would (400).
        Assert.True(reply.Status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, reply.Status.ToString());
        Assert.Equal(seq, v.Vault.Node.LastSeq);
        await v.RestartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await v.Client("fresh").StatusAsync()).Status);
    }

    [Fact]
    public void TheStateMachineAppliesAnInvalidCommandAsANoOpAndNeverThrows()
    {
        using var dir = new TempDir();
        using var hsm = SoftwareHsm.Create(Path.Combine(dir.Path, "hsm.key"));
        using var opaque = new Lockbox.Vault.Core.Opaque.OpaqueServerAdapter(Lockbox.Opaque.ServerKeyPair.Generate());
        var machine = new VaultStateMachine(hsm, opaque, new VaultPolicy());
        byte[] before = machine.State.Serialize();

        VaultCommand[] poison =
        [
            new StartLoginCommand(new string('a', 300), 1, new byte[96], new byte[16], new byte[160]),
            new StartLoginCommand("", 1, new byte[96], new byte[16], new byte[160]),
            new EnrolCommand("x", 1, new byte[192], new byte[60], new byte[32], 0, new byte[16], new KsfParameters(1, 64, 1)),
            new FinishLoginCommand("x", 1, new byte[3], new byte[64], new byte[12]),
            new DeleteCommand("x\0y", 1, new byte[32]),
            new ResetPasswordCommand("x", 1, new byte[32], new byte[192], new byte[60], new byte[16], new KsfParameters(99, 64, 1)),
        ];
        foreach (VaultCommand c in poison)
            Assert.Equal(VaultOutcome.InvalidMessage, machine.Apply(c).Outcome);
        Assert.Equal(before, machine.State.Serialize());
    }
}
