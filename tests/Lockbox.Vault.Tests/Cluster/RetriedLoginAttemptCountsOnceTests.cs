using System.Security.Cryptography;
using System.Text;
using Lockbox.Opaque;
using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.Opaque;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Server.Hsm;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Cluster;

/// <summary>
/// A device whose answer was lost sends the same attempt again, to another node (issue 10): the vault must
/// recognise it by its attempt id and count one guess, and answer a repeated KE3 with the same outcome.
/// </summary>
public sealed class RetriedLoginAttemptCountsOnceTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly SoftwareHsm _hsm;
    private readonly OpaqueServerAdapter _opaque = new(ServerKeyPair.Generate());
    private static readonly OpaqueClient Client = new(new OpaqueConfiguration([], KeyStretching.Identity));
    private static readonly byte[] EnrolmentId = RandomNumberGenerator.GetBytes(CredentialIdentifier.EnrolmentIdSize);

    public RetriedLoginAttemptCountsOnceTests() => _hsm = SoftwareHsm.Create(Path.Combine(_dir.Path, "hsm.key"));

    private VaultStateMachine Enrolled(string account, string password, int limit)
    {
        var machine = new VaultStateMachine(_hsm, _opaque, new VaultPolicy());
        using ClientRegistrationState state = Client.CreateRegistrationRequest(Encoding.UTF8.GetBytes(password));
        byte[] response = machine.RegistrationStart(account, state.Request.Serialize(), null, EnrolmentId).RegistrationResponse!;
        using ClientRegistrationResult result = Client.FinalizeRegistrationRequest(state, Encoding.UTF8.GetBytes(password), RegistrationResponse.Parse(response));
        byte[] wrapped = RandomNumberGenerator.GetBytes(CommandValidator.WrappedKeySize);
        Assert.Equal(VaultOutcome.Ok, machine.Apply(new EnrolCommand(account, 0, result.Record.Serialize(), wrapped, SHA256.HashData("m"u8), limit, EnrolmentId, new KsfParameters(1, 64, 1))).Outcome);
        return machine;
    }

    private StartLoginCommand Start(string account, long time, byte[] ke1, byte[] attempt) =>
        new(account, time, ke1, attempt, RandomNumberGenerator.GetBytes(_opaque.KE2RandomnessLength)); // fresh randomness, as each node draws

    [Fact]
    public void TheSameAttemptStartedTwiceGetsTheSameKe2AndCountsOneGuess()
    {
        VaultStateMachine machine = Enrolled("amy", "pw", 5);
        using ClientLoginState login = Client.GenerateKE1("wrong"u8);
        byte[] attempt = RandomNumberGenerator.GetBytes(16);
        VaultResult first = machine.Apply(Start("amy", 1_000, login.KE1.Serialize(), attempt));
        VaultResult again = machine.Apply(Start("amy", 1_100, login.KE1.Serialize(), attempt));

        Assert.Equal(VaultOutcome.Ok, again.Outcome);
        Assert.Equal(first.KE2, again.KE2);
        Assert.Equal(4, again.GuessesLeft);
        Assert.Equal(1, machine.State.Accounts["amy"].GuessCount);
        // The same id with another KE1 (or for another account) is no retry: refused, nothing counted.
        Assert.Equal(VaultOutcome.InvalidMessage, machine.Apply(Start("amy", 1_200, Client.GenerateKE1("x"u8).KE1.Serialize(), attempt)).Outcome);
        Assert.Equal(VaultOutcome.InvalidMessage, machine.Apply(Start("bob", 1_200, login.KE1.Serialize(), attempt)).Outcome);
        Assert.Equal(1, machine.State.Accounts["amy"].GuessCount);
    }

    [Fact]
    public void TheSameKe3SentTwiceGetsTheSameAnswerAndNothingMoves()
    {
        VaultStateMachine machine = Enrolled("amy", "pw", 5);
        using ClientLoginState login = Client.GenerateKE1("pw"u8);
        byte[] attempt = RandomNumberGenerator.GetBytes(16);
        VaultResult start = machine.Apply(Start("amy", 1_000, login.KE1.Serialize(), attempt));
        using ClientLoginResult result = Client.GenerateKE3(login, "pw"u8, KE2.Parse(start.KE2!))!;
        byte[] ke3 = result.KE3.Serialize();

        VaultResult first = machine.Apply(new FinishLoginCommand("amy", 1_100, attempt, ke3, RandomNumberGenerator.GetBytes(12)));
        VaultResult again = machine.Apply(new FinishLoginCommand("amy", 1_200, attempt, ke3, RandomNumberGenerator.GetBytes(12)));
        Assert.Equal(VaultOutcome.Ok, first.Outcome);
        Assert.Equal(VaultOutcome.Ok, again.Outcome);
        Assert.Equal(first.SealedKey, again.SealedKey);
        Assert.Equal(0, machine.State.Accounts["amy"].GuessCount);
        // Another KE3 for the answered attempt finds nothing; a retried start of it is not a new attempt either.
        Assert.Equal(VaultOutcome.UnknownSession, machine.Apply(new FinishLoginCommand("amy", 1_300, attempt, new byte[64], RandomNumberGenerator.GetBytes(12))).Outcome);
        Assert.Equal(VaultOutcome.UnknownSession, machine.Apply(Start("amy", 1_400, login.KE1.Serialize(), attempt)).Outcome);
        Assert.Equal(0, machine.State.Accounts["amy"].GuessCount);

        // The kept answer survives a snapshot and is gone once the attempt would have expired.
        VaultState copy = VaultState.Deserialize(machine.State.Serialize());
        Assert.Single(copy.Finished);
        machine.Apply(new TickCommand(1_000 + 60_001));
        Assert.Empty(machine.State.Finished);
    }

    [Fact]
    public void AWrongKe3RetriedIsOneGuessAndTheLastOneStillErases()
    {
        VaultStateMachine machine = Enrolled("bo", "pw", 1);
        using ClientLoginState login = Client.GenerateKE1("wrong"u8);
        byte[] attempt = RandomNumberGenerator.GetBytes(16);
        machine.Apply(Start("bo", 1_000, login.KE1.Serialize(), attempt));
        byte[] decoy = RandomNumberGenerator.GetBytes(64);
        VaultResult first = machine.Apply(new FinishLoginCommand("bo", 1_100, attempt, decoy, RandomNumberGenerator.GetBytes(12)));
        VaultResult again = machine.Apply(new FinishLoginCommand("bo", 1_200, attempt, decoy, RandomNumberGenerator.GetBytes(12)));
        Assert.Equal(VaultOutcome.LoginFailed, first.Outcome);
        Assert.True(first.Erased);
        Assert.Equal((first.Outcome, first.GuessesLeft, first.Locked, first.Erased), (again.Outcome, again.GuessesLeft, again.Locked, again.Erased));
        Assert.Equal(1, machine.State.Accounts["bo"].GuessCount);
        Assert.Null(machine.State.Accounts["bo"].WrappedKey);
    }

    public void Dispose()
    {
        _hsm.Dispose();
        _opaque.Dispose();
        _dir.Dispose();
    }
}
