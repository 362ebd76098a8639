using System.Security.Cryptography;
using System.Text;
using Lockbox.Opaque;
using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Server.Hsm;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Core;

/// <summary>The state machine on its own: replay determinism (what Raft will rely on) and expiry of an unanswered last guess.</summary>
public sealed class StateMachineTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly SoftwareHsm _hsm;
    private readonly OpaqueServerAdapter _opaque = new(ServerKeyPair.Generate());
    private static readonly OpaqueClient Client = new(new OpaqueConfiguration([], KeyStretching.Identity));

    public StateMachineTests() => _hsm = SoftwareHsm.Create(Path.Combine(_dir.Path, "hsm.key"));

    private VaultStateMachine NewMachine() => new(_hsm, _opaque, new VaultPolicy());

    private static readonly byte[] EnrolmentId = RandomNumberGenerator.GetBytes(CredentialIdentifier.EnrolmentIdSize);
    private static readonly KsfParameters Ksf = new(1, 64, 1);

    private byte[] Record(VaultStateMachine machine, string account, string password)
    {
        using ClientRegistrationState state = Client.CreateRegistrationRequest(Encoding.UTF8.GetBytes(password));
        byte[] response = machine.RegistrationStart(account, state.Request.Serialize(), null, EnrolmentId).RegistrationResponse!;
        using ClientRegistrationResult result = Client.FinalizeRegistrationRequest(state, Encoding.UTF8.GetBytes(password), RegistrationResponse.Parse(response));
        return result.Record.Serialize();
    }

    [Fact]
    public void ReplayingTheLoggedCommandsReproducesStateAndResponsesByteForByte()
    {
        VaultStateMachine leader = NewMachine();
        var log = new List<byte[]>();
        var responses = new List<VaultResult>();
        void Run(VaultCommand c)
        {
            log.Add(CommandCodec.Serialize(c));
            responses.Add(leader.Apply(c));
        }

        Run(new EnrolCommand("amy", 1_000, Record(leader, "amy", "pw"), RandomNumberGenerator.GetBytes(60), SHA256.HashData("m"u8), 10, EnrolmentId, Ksf));
        long t = 2_000;
        var sessions = new List<(byte[] Id, ClientLoginState State, string Password)>();
        foreach (string guess in (string[])["wrong", "pw", "wrong2"])
        {
            ClientLoginState login = Client.GenerateKE1(Encoding.UTF8.GetBytes(guess));
            byte[] id = RandomNumberGenerator.GetBytes(16);
            Run(new StartLoginCommand("amy", t += 10, login.KE1.Serialize(), id, RandomNumberGenerator.GetBytes(_opaque.KE2RandomnessLength)));
            sessions.Add((id, login, guess));
        }
        Run(new StartLoginCommand("nobody", t += 10, Client.GenerateKE1("x"u8).KE1.Serialize(), RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(_opaque.KE2RandomnessLength)));
        for (int i = 0; i < sessions.Count; i++)
        {
            KE2 ke2 = KE2.Parse(responses[1 + i].KE2!);
            using ClientLoginResult? result = Client.GenerateKE3(sessions[i].State, Encoding.UTF8.GetBytes(sessions[i].Password), ke2);
            Run(new FinishLoginCommand("amy", t += 10, sessions[i].Id, result?.KE3.Serialize() ?? new byte[64], RandomNumberGenerator.GetBytes(12)));
        }
        Run(new TickCommand(t + 120_000));

        VaultStateMachine follower = NewMachine();
        List<VaultResult> replayed = log.Select(e => follower.Apply(CommandCodec.Deserialize(e))).ToList();
        Assert.Equal(leader.State.Serialize(), follower.State.Serialize());
        Assert.Equal(responses.Select(r => r.Outcome), replayed.Select(r => r.Outcome));
        for (int i = 0; i < responses.Count; i++)
        {
            Assert.Equal(responses[i].KE2, replayed[i].KE2);
            Assert.Equal(responses[i].SealedKey, replayed[i].SealedKey);
        }
        Assert.Equal(VaultOutcome.Ok, responses[6].Outcome); // the right password's finish
        Assert.Equal(VaultOutcome.LoginFailed, responses[5].Outcome);
        Assert.Equal(VaultOutcome.Ok, responses[4].Outcome); // unknown account: a KE2 all the same
    }

    [Fact]
    public void AnUnansweredLastGuessErasesTheKeyWhenItExpires()
    {
        VaultStateMachine machine = NewMachine();
        machine.Apply(new EnrolCommand("bo", 0, Record(machine, "bo", "pw"), RandomNumberGenerator.GetBytes(60), SHA256.HashData("m"u8), 1, EnrolmentId, Ksf));
        VaultResult start = machine.Apply(new StartLoginCommand("bo", 1_000, Client.GenerateKE1("guess"u8).KE1.Serialize(), RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(_opaque.KE2RandomnessLength)));
        Assert.Equal(0, start.GuessesLeft);
        // Every guess is taken but one is still pending: not "erased" yet (issue 9, finding 12).
        Assert.Equal(VaultOutcome.GuessesExhausted, machine.Apply(new StartLoginCommand("bo", 2_000, Client.GenerateKE1("pw"u8).KE1.Serialize(), RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(_opaque.KE2RandomnessLength))).Outcome);
        Assert.NotNull(machine.State.Accounts["bo"].WrappedKey); // the outstanding guess might still be right

        Assert.True(machine.HasExpired(61_001));
        machine.Apply(new TickCommand(61_001));
        Assert.Null(machine.State.Accounts["bo"].WrappedKey);
        Assert.True(machine.State.Accounts["bo"].Locked);
        Assert.Equal(VaultOutcome.UnknownSession, machine.Apply(new FinishLoginCommand("bo", 62_000, start.SessionId!, new byte[64], new byte[12])).Outcome);
        Assert.Equal(VaultOutcome.Locked, machine.Apply(new StartLoginCommand("bo", 63_000, Client.GenerateKE1("pw"u8).KE1.Serialize(), RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(_opaque.KE2RandomnessLength))).Outcome);
    }

    [Fact]
    public void CommandsAndSnapshotsRoundTripAndUnknownVersionsAreRefused()
    {
        VaultCommand[] commands =
        [
            new EnrolCommand("a", 1, [1, 2], [3], [4], 7, EnrolmentId, Ksf),
            new EnrolCommand("a2", 1, [1, 2], [3], [4], 7, [], null),
            new StartLoginCommand("b", 2, [5], [6], [7]),
            new FinishLoginCommand("c", 3, [8], [9], [10]),
            new ChangePasswordCommand("d", 4, [11], [12], [13], EnrolmentId, Ksf),
            new ResetPasswordCommand("e", 5, [14], [15], [16], [], null),
            new DeleteCommand("f", 6, [17]),
            new TickCommand(7),
        ];
        foreach (VaultCommand c in commands)
            Assert.Equal(CommandCodec.Serialize(c), CommandCodec.Serialize(CommandCodec.Deserialize(CommandCodec.Serialize(c))));
        byte[] entry = CommandCodec.Serialize(commands[0]);
        entry[0] = 3;
        Assert.Contains("version 3 is not supported", Assert.Throws<FormatException>(() => CommandCodec.Deserialize(entry)).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => CommandCodec.Deserialize(CommandCodec.Serialize(commands[1])[..^1]));
    }

    [Fact]
    public void AVersion1EntryReadsAsTheOldCredentialIdentifier()
    {
        // version 1 || enrol || time || "old" || record || wrapped || hash || limit: no enrolment id, no KSF.
        var w = new FieldWriter();
        w.U8(1); w.U8((byte)CommandKind.Enrol); w.I64(5); w.Text("old"); w.Bytes([1]); w.Bytes([2]); w.Bytes([3]); w.I32(10);

        EnrolCommand c = Assert.IsType<EnrolCommand>(CommandCodec.Deserialize(w.ToArray()));

        Assert.Empty(c.EnrolmentId);
        Assert.Null(c.Ksf);
        Assert.Equal("old"u8.ToArray(), CredentialIdentifier.For("old", c.EnrolmentId));
    }

    public void Dispose()
    {
        _hsm.Dispose();
        _opaque.Dispose();
        _dir.Dispose();
    }
}
