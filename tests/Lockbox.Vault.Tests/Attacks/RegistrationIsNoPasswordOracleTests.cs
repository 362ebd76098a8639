using System.Net;
using System.Security.Cryptography;
using System.Text;
using Lockbox.Cryptography;
using Lockbox.Opaque;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Attacks;

/// <summary>
/// Issue 9, finding 2. An attacker holding the account token starts one counted login (capturing a KE2),
/// then asks registration/start to evaluate candidate passwords: with the login's OPRF key each answer
/// would let them test the candidate offline against the KE2. Now registration/start on an account that has
/// a record is refused without its management credential, and every registration evaluates under a fresh
/// enrolment id, so even the owner's own registrations give evaluations unrelated to the live record's.
/// </summary>
public sealed class RegistrationIsNoPasswordOracleTests
{
    private const string Password = "the real password";

    [Fact]
    public async Task RegistrationStartOnAnEnrolledAccountIsRefusedWithoutTheManagementCredentialAndCountsNothing()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient victim = v.Client("victim");
        using BackupKey k = BackupKey.Generate();
        Assert.Equal(HttpStatusCode.Created, (await victim.EnrolAsync(Password, k)).Status);

        VaultTestClient attacker = v.Client("victim"); // the same token, in other hands
        VaultTestClient.PendingLogin captured = await attacker.StartLoginAsync("candidate 0");
        Assert.Equal(9, captured.Reply.GuessesLeft);
        long seq = v.Vault.Node.LastSeq;

        for (int i = 1; i <= 20; i++)
        {
            using ClientRegistrationState state = VaultTestClient.Opaque.CreateRegistrationRequest(Encoding.UTF8.GetBytes($"candidate {i}"));
            VaultTestClient.Reply refused = await attacker.PostAsync("registration/start", new { registrationRequest = VaultTestClient.B64(state.Request.Serialize()) });
            Assert.Equal(HttpStatusCode.Conflict, refused.Status);
            Assert.Equal("already_enrolled", refused.Error);
            Assert.True(refused.Signed);
            Assert.False(refused.Body.TryGetProperty("registrationResponse", out _));
        }
        using ClientRegistrationState guessed = VaultTestClient.Opaque.CreateRegistrationRequest("candidate 21"u8);
        VaultTestClient.Reply forged = await attacker.PostAsync("registration/start", new
        {
            registrationRequest = VaultTestClient.B64(guessed.Request.Serialize()),
            managementCredential = VaultTestClient.B64(RandomNumberGenerator.GetBytes(32)),
        });
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal("management_credential_invalid", forged.Error);

        Assert.Equal(seq, v.Vault.Node.LastSeq); // nothing logged
        Assert.Equal(9, (await victim.StatusAsync()).GuessesLeft); // nothing counted, nothing reset
    }

    [Fact]
    public async Task EvenTheOwnersRegistrationEvaluatesUnderAnotherKeyThanTheLiveLogin()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient owner = v.Client("owner");
        using BackupKey k = BackupKey.Generate();
        await owner.EnrolAsync(Password, k);

        // One blind, one password: the blinded element of the login and of the registration is the same.
        byte[] pw = Encoding.UTF8.GetBytes("a candidate");
        byte[] blind = new byte[32];
        blind[0] = 7;
        using ClientLoginState login = VaultTestClient.Opaque.GenerateKE1(pw, blind, RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        using ClientRegistrationState registration = VaultTestClient.Opaque.CreateRegistrationRequest(pw, blind);
        Assert.Equal(login.KE1.BlindedMessage.ToArray(), registration.Request.BlindedMessage.ToArray());

        VaultTestClient.Reply start = await owner.PostAsync("login/start", new { ke1 = VaultTestClient.B64(login.KE1.Serialize()) });
        byte[] loginEvaluation = KE2.Parse(start.Bytes("ke2")).EvaluatedMessage.ToArray();
        var evaluations = new HashSet<string>();
        for (int i = 0; i < 3; i++)
        {
            VaultTestClient.Reply reply = await owner.PostAsync("registration/start", new
            {
                registrationRequest = VaultTestClient.B64(registration.Request.Serialize()),
                managementCredential = VaultTestClient.B64(VaultTestClient.ManagementCredential(k)),
            });
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.Equal(16, reply.Bytes("enrolmentId").Length);
            byte[] evaluation = RegistrationResponse.Parse(reply.Bytes("registrationResponse")).EvaluatedMessage.ToArray();
            Assert.NotEqual(loginEvaluation, evaluation);
            evaluations.Add(Convert.ToHexString(evaluation));
        }
        Assert.Equal(3, evaluations.Count); // a fresh enrolment id, hence a fresh OPRF key, every time
    }

    [Fact]
    public async Task AChangedPasswordLogsInUnderItsNewEnrolmentAndTheOldOneNoLonger()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient owner = v.Client("changer");
        using BackupKey k = BackupKey.Generate();
        await owner.EnrolAsync(Password, k);
        (byte[] record, byte[] wrapped, _) = await owner.RegisterAsync("second password", k);

        VaultTestClient.Reply changed = await owner.PostAsync("password/change", new
        {
            managementCredential = VaultTestClient.B64(VaultTestClient.ManagementCredential(k)),
            registrationRecord = VaultTestClient.B64(record),
            wrappedKey = VaultTestClient.B64(wrapped),
        });

        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Null((await owner.LoginAsync(Password)).Key);
        Assert.NotNull((await owner.LoginAsync("second password")).Key);
    }
}
