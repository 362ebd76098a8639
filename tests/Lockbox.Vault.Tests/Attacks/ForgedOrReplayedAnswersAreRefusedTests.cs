using System.Text;
using System.Text.Json.Nodes;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Server.Hosting;
using Lockbox.Vault.Tests.EndToEnd;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Attacks;

/// <summary>
/// Issue 9, finding 5. Someone on the path (here a front the vault even lists as its own address, so the
/// hello passes: a TLS terminator in hostile hands) alters, strips or replays answers. Every answer the device
/// acts on is signed over its request (with the device's fresh nonce), so each such answer is refused before
/// it is used: no substituted OPRF key at enrolment, no store- or path-chosen KSF parameters, no guess spent.
/// </summary>
public sealed class ForgedOrReplayedAnswersAreRefusedTests
{
    private const string Password = "signed, sealed, delivered";

    private static async Task<(VaultUnderTest Vault, RelayProxy Front)> StartAsync()
    {
        RelayProxy front = await RelayProxy.StartAsync();
        VaultUnderTest vault = await VaultUnderTest.StartAsync(options: new VaultServerOptions
        {
            AccountRequestsPerMinute = 100_000, AddressRequestsPerMinute = 100_000, PublicUrls = [front.BaseAddress],
        });
        front.Target = vault.Vault.BaseAddress;
        return (vault, front);
    }

    private static VaultClient Device(VaultUnderTest vault, RelayProxy front, string account) => new(new VaultClientOptions
    {
        VaultUrl = front.BaseAddress,
        AccountId = account,
        AccountToken = vault.Token(account),
        FleetPublicKey = vault.FleetKey(),
        KeyStretching = KeyStretchingPresets.Test,
    });

    private static async Task<string> EnrolAsync(VaultUnderTest vault, RelayProxy front, BackupKey key)
    {
        string account = DeviceClients.NewAccount();
        using VaultClient owner = Device(vault, front, account);
        await owner.EnrolAsync(Password, key);
        return account;
    }

    private static RelayProxy.Answer EditJson(RelayProxy.Answer answer, Action<JsonObject> edit)
    {
        JsonObject json = JsonNode.Parse(answer.Body)!.AsObject();
        edit(json);
        return answer with { Body = Encoding.UTF8.GetBytes(json.ToJsonString()) };
    }

    [Fact]
    public async Task StatusWithAlteredKsfParametersIsRefusedAndBurnsNoGuess()
    {
        (VaultUnderTest vault, RelayProxy front) = await StartAsync();
        await using (vault)
        await using (front)
        {
            using BackupKey key = BackupKey.Generate();
            string account = await EnrolAsync(vault, front, key);
            front.Rewrite = (path, a) => path.EndsWith("/status", StringComparison.Ordinal)
                ? EditJson(a, j => j["keyStretching"]!["t"] = 2)
                : a;

            using VaultClient device = Device(vault, front, account);
            VaultException e = await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync(Password));

            Assert.Equal(VaultFailure.NotAuthentic, e.Failure);
            Assert.DoesNotContain(front.Seen, s => s.Path.EndsWith("/login/start", StringComparison.Ordinal));
            Assert.Equal(10, (await vault.Client(account).StatusAsync()).GuessesLeft);
        }
    }

    [Fact]
    public async Task UnsignedAnswersAsAnOldVaultWouldSendAreRefused()
    {
        (VaultUnderTest vault, RelayProxy front) = await StartAsync();
        await using (vault)
        await using (front)
        {
            using BackupKey key = BackupKey.Generate();
            string account = await EnrolAsync(vault, front, key);
            front.Rewrite = (_, a) => a with { Signature = null };
            front.Seen.Clear();

            using VaultClient device = Device(vault, front, account);
            Assert.Equal(VaultFailure.NotAuthentic, (await Assert.ThrowsAsync<VaultException>(() => device.RecoverAsync(Password))).Failure);
            Assert.DoesNotContain(front.Seen, s => s.Authorization);
            Assert.Equal(10, (await vault.Client(account).StatusAsync()).GuessesLeft);
        }
    }

    [Fact]
    public async Task AReplayedGenuineAnswerIsRefused()
    {
        (VaultUnderTest vault, RelayProxy front) = await StartAsync();
        await using (vault)
        await using (front)
        {
            using BackupKey key = BackupKey.Generate();
            string account = await EnrolAsync(vault, front, key);
            RelayProxy.Answer? recorded = null;
            front.Rewrite = (path, a) =>
            {
                if (!path.EndsWith("/status", StringComparison.Ordinal)) return a;
                recorded ??= a;
                return recorded;
            };

            using VaultClient device = Device(vault, front, account);
            Assert.Equal(10, (await device.GetStatusAsync()).GuessesLeft); // the first, genuine answer
            VaultException e = await Assert.ThrowsAsync<VaultException>(() => device.GetStatusAsync());

            Assert.Equal(VaultFailure.NotAuthentic, e.Failure);
            Assert.Contains("answer to status is not signed", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASubstitutedOprfEvaluationAtEnrolmentIsRefusedBeforeTheRecordIsSent()
    {
        (VaultUnderTest vault, RelayProxy front) = await StartAsync();
        await using (vault)
        await using (front)
        {
            string account = DeviceClients.NewAccount();
            using BackupKey key = BackupKey.Generate();
            // The attacker's own OPRF evaluation: a different element in place of the vault's.
            front.Rewrite = (path, a) => path.EndsWith("/registration/start", StringComparison.Ordinal)
                ? EditJson(a, j =>
                {
                    byte[] response = System.Buffers.Text.Base64Url.DecodeFromChars(j["registrationResponse"]!.GetValue<string>());
                    byte[] other = Lockbox.Opaque.ServerKeyPair.Generate().PublicKey.ToArray();
                    other.CopyTo(response, 0);
                    j["registrationResponse"] = System.Buffers.Text.Base64Url.EncodeToString(response);
                })
                : a;

            using VaultClient device = Device(vault, front, account);
            Assert.Equal(VaultFailure.NotAuthentic, (await Assert.ThrowsAsync<VaultException>(() => device.EnrolAsync(Password, key))).Failure);

            Assert.DoesNotContain(front.Seen, s => s.Path.EndsWith("/enrol", StringComparison.Ordinal));
            Assert.False((await vault.Vault.Node.ReadStateAsync()).Accounts.ContainsKey(account));
        }
    }

    [Fact]
    public async Task AnAnswerMovedFromOneAccountToAnotherIsRefused()
    {
        (VaultUnderTest vault, RelayProxy front) = await StartAsync();
        await using (vault)
        await using (front)
        {
            using BackupKey key = BackupKey.Generate();
            string locked = await EnrolAsync(vault, front, key);
            string other = await EnrolAsync(vault, front, key);
            // The status answer of "other", genuine bytes and signature, served to the device asking about "locked".
            RelayProxy.Answer? fromOther = null;
            front.Rewrite = (path, a) =>
            {
                if (!path.EndsWith("/status", StringComparison.Ordinal)) return a;
                if (path.Contains(other, StringComparison.Ordinal)) return fromOther = a;
                return fromOther ?? a;
            };
            using (VaultClient otherDevice = Device(vault, front, other))
                await otherDevice.GetStatusAsync();
            Assert.NotNull(fromOther);

            using VaultClient device = Device(vault, front, locked);
            Assert.Equal(VaultFailure.NotAuthentic, (await Assert.ThrowsAsync<VaultException>(() => device.GetStatusAsync())).Failure);
        }
    }
}
