using System.Net;
using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Vault.Core.State;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Api;

/// <summary>Issue 4's server-side guarantees, over real HTTP on loopback, run once per HSM kind.</summary>
public abstract class VaultBehaviour
{
    private protected abstract string Hsm { get; }

    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task EnrolThenLoginWithTheRightPasswordReleasesTheBackupKey()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(Hsm);
        VaultTestClient alice = v.Client("alice");
        using BackupKey k = BackupKey.Generate();
        VaultTestClient.Reply enrol = await alice.EnrolAsync(Password, k);
        Assert.Equal(HttpStatusCode.Created, enrol.Status);
        Assert.Equal(10, enrol.Body.GetProperty("guessLimit").GetInt32());

        (VaultTestClient.Reply start, VaultTestClient.Reply? finish, byte[]? key) = await alice.LoginAsync(Password);
        Assert.Equal(9, start.GuessesLeft);
        Assert.Equal(HttpStatusCode.OK, finish!.Status);
        Assert.Equal(88, finish.Bytes("sealedKey").Length);
        Assert.Equal(10, finish.GuessesLeft);
        using BackupKey restored = BackupKey.Import(key!);
        Assert.True(restored.SameAs(k));
    }

    [Fact]
    public async Task TenWrongPasswordsLockTheAccountAndEraseTheWrappedKey()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(Hsm);
        VaultTestClient bob = v.Client("bob");
        using BackupKey k = BackupKey.Generate();
        (byte[] record, byte[] wrapped, _) = await bob.RegisterAsync(Password, k);
        Assert.Equal(HttpStatusCode.Created, (await bob.PostAsync("enrol", new
        {
            registrationRecord = VaultTestClient.B64(record),
            wrappedKey = VaultTestClient.B64(wrapped),
            managementCredential = VaultTestClient.B64(VaultTestClient.ManagementCredential(k)),
        })).Status);
        Assert.Contains(Decrypted(v), d => d.AsSpan().IndexOf(wrapped) >= 0); // the check below can see it

        for (int i = 1; i <= 10; i++)
        {
            (VaultTestClient.Reply start, VaultTestClient.Reply? finish, _) = await bob.LoginAsync("wrong " + i);
            Assert.Equal(HttpStatusCode.OK, start.Status);
            Assert.Equal(10 - i, start.GuessesLeft);
            Assert.Equal(HttpStatusCode.Forbidden, finish!.Status);
            Assert.Equal("login_failed", finish.Error);
            Assert.Equal(i == 10, finish.Body.GetProperty("locked").GetBoolean());
        }

        (VaultTestClient.Reply afterwards, _, byte[]? key) = await bob.LoginAsync(Password);
        Assert.Equal(HttpStatusCode.Locked, afterwards.Status);
        Assert.Equal("locked", afterwards.Error);
        Assert.Contains("gone for good", afterwards.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(key);
        Assert.True((await bob.StatusAsync()).Body.GetProperty("locked").GetBoolean());

        AccountRecord account = (await v.Vault.Node.ReadStateAsync()).Accounts["bob"];
        Assert.Null(account.WrappedKey);
        Assert.True(account.Locked);
        // Not just flagged: no snapshot or log entry on disk, even decrypted with the HSM, still holds it.
        Assert.DoesNotContain(Decrypted(v), d => d.AsSpan().IndexOf(wrapped) >= 0);
        await v.RestartAsync(); // and the erasure is what the disk holds, too
        Assert.Null((await v.Vault.Node.ReadStateAsync()).Accounts["bob"].WrappedKey);
    }

    [Fact]
    public async Task HundredConcurrentWrongGuessesNeverGetMoreThanTheLimit()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(Hsm);
        VaultTestClient carol = v.Client("carol");
        using BackupKey k = BackupKey.Generate();
        await carol.EnrolAsync(Password, k);

        VaultTestClient.PendingLogin[] starts = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => carol.StartLoginAsync("guess " + i)));
        VaultTestClient.PendingLogin[] issued = starts.Where(s => s.Reply.Status == HttpStatusCode.OK).ToArray();
        Assert.Equal(10, issued.Length);
        Assert.All(starts.Except(issued), s => Assert.Equal(HttpStatusCode.Locked, s.Reply.Status));
        Assert.Equal(Enumerable.Range(0, 10).Reverse(), issued.Select(s => s.Reply.GuessesLeft).Order().Reverse());

        VaultTestClient.Reply[] finishes = await Task.WhenAll(issued.Select(s => carol.FinishAsync(s.SessionId, RandomNumberGenerator.GetBytes(64))));
        Assert.All(finishes, f => Assert.Equal(HttpStatusCode.Forbidden, f.Status));
        Assert.Equal(HttpStatusCode.Locked, (await carol.LoginAsync(Password)).Start.Status);
        Assert.Null((await v.Vault.Node.ReadStateAsync()).Accounts["carol"].WrappedKey);
    }

    [Fact]
    public async Task RightPasswordAfterSomeWrongOnesClearsTheCount()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(Hsm);
        VaultTestClient dave = v.Client("dave");
        using BackupKey k = BackupKey.Generate();
        await dave.EnrolAsync(Password, k);
        for (int i = 0; i < 7; i++) await dave.LoginAsync("nope");
        Assert.Equal(3, (await dave.StatusAsync()).GuessesLeft);

        (VaultTestClient.Reply start, _, byte[]? key) = await dave.LoginAsync(Password);
        Assert.Equal(2, start.GuessesLeft);
        Assert.NotNull(key);
        Assert.Equal(10, (await dave.StatusAsync()).GuessesLeft);
    }

    [Fact]
    public async Task ReplayedKe3ChangesNothingAndCrossSessionOrOrphanKe3IsRefused()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(Hsm);
        VaultTestClient erin = v.Client("erin");
        using BackupKey k = BackupKey.Generate();
        await erin.EnrolAsync(Password, k);

        // A successful login, then its KE3 replayed: the finish is idempotent per attempt (issue 10, a device
        // retrying on another node), so the same KE3 gets the same answer, sealed to the same session key, and
        // nothing moves; any other KE3 for the answered session finds none.
        VaultTestClient.PendingLogin first = await erin.StartLoginAsync(Password);
        using (var result = VaultTestClient.Ke3For(first)!)
        {
            VaultTestClient.Reply done = await erin.FinishAsync(first.SessionId, result.KE3.Serialize());
            Assert.Equal(HttpStatusCode.OK, done.Status);
            VaultTestClient.Reply replay = await erin.FinishAsync(first.SessionId, result.KE3.Serialize());
            Assert.Equal(HttpStatusCode.OK, replay.Status);
            Assert.Equal(done.Bytes("sealedKey"), replay.Bytes("sealedKey"));
            VaultTestClient.Reply other = await erin.FinishAsync(first.SessionId, RandomNumberGenerator.GetBytes(64));
            Assert.Equal(HttpStatusCode.Conflict, other.Status);
            Assert.Equal("unknown_session", other.Error);
        }
        Assert.Equal(10, (await erin.StatusAsync()).GuessesLeft);

        // KE3 of session A presented for session B: B fails, A's count stays spent.
        VaultTestClient.PendingLogin a = await erin.StartLoginAsync(Password);
        VaultTestClient.PendingLogin b = await erin.StartLoginAsync(Password);
        Assert.Equal(8, (await erin.StatusAsync()).GuessesLeft);
        using (var resultA = VaultTestClient.Ke3For(a)!)
        {
            VaultTestClient.Reply cross = await erin.FinishAsync(b.SessionId, resultA.KE3.Serialize());
            Assert.Equal(HttpStatusCode.Forbidden, cross.Status);
            Assert.Equal(8, (await erin.StatusAsync()).GuessesLeft);
        }

        // KE3 without any KE2, and a session id of another account.
        VaultTestClient.Reply orphan = await erin.FinishAsync(VaultTestClient.B64(RandomNumberGenerator.GetBytes(16)), RandomNumberGenerator.GetBytes(64));
        Assert.Equal("unknown_session", orphan.Error);
        VaultTestClient frank = v.Client("frank");
        await frank.EnrolAsync(Password, k);
        VaultTestClient.PendingLogin franks = await frank.StartLoginAsync(Password);
        using (var resultF = VaultTestClient.Ke3For(franks)!)
            Assert.Equal("unknown_session", (await erin.FinishAsync(franks.SessionId, resultF.KE3.Serialize())).Error);
        Assert.Equal(8, (await erin.StatusAsync()).GuessesLeft);
        Assert.Equal(9, (await frank.StatusAsync()).GuessesLeft);
    }

    [Fact]
    public async Task ResetAndDeleteNeedTheManagementCredential()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(Hsm);
        VaultTestClient gus = v.Client("gus");
        using BackupKey k = BackupKey.Generate();
        using BackupKey other = BackupKey.Generate();
        await gus.EnrolAsync(Password, k);
        await gus.LoginAsync("wrong");
        long seq = v.Vault.Node.LastSeq;

        // registration/start on an enrolled account needs its management credential (issue 9, finding 2).
        await Assert.ThrowsAsync<InvalidOperationException>(() => gus.RegisterAsync("new password", other));
        (byte[] record, byte[] wrapped, _) = await gus.RegisterAsync("new password", k);
        foreach (string path in (string[])["password/reset", "password/change"])
        {
            VaultTestClient.Reply refused = await gus.PostAsync(path, new
            {
                managementCredential = VaultTestClient.B64(VaultTestClient.ManagementCredential(other)),
                registrationRecord = VaultTestClient.B64(record),
                wrappedKey = VaultTestClient.B64(wrapped),
            });
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.Equal("management_credential_invalid", refused.Error);
        }
        VaultTestClient.Reply delete = await gus.PostAsync("delete", new { managementCredential = VaultTestClient.B64(VaultTestClient.ManagementCredential(other)) });
        Assert.Equal(HttpStatusCode.Forbidden, delete.Status);
        Assert.Equal(9, (await gus.StatusAsync()).GuessesLeft);
        Assert.Equal(1, (await gus.StatusAsync()).Body.GetProperty("version").GetInt64());
        Assert.NotNull((await gus.LoginAsync(Password)).Key);
        Assert.True(v.Vault.Node.LastSeq > seq);

        Assert.Equal(HttpStatusCode.OK, (await gus.PostAsync("delete", new { managementCredential = VaultTestClient.B64(VaultTestClient.ManagementCredential(k)) })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await gus.StatusAsync()).Status);
        Assert.False((await v.Vault.Node.ReadStateAsync()).Accounts.ContainsKey("gus"));
    }

    [Fact]
    public async Task ChangeAndResetReplaceThePasswordAndResetRestoresALockedAccount()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(Hsm);
        VaultTestClient hal = v.Client("hal");
        using BackupKey k = BackupKey.Generate();
        await hal.EnrolAsync(Password, k, guessLimit: 3);

        (byte[] record, byte[] wrapped, _) = await hal.RegisterAsync("second password", k);
        string credential = VaultTestClient.B64(VaultTestClient.ManagementCredential(k));
        VaultTestClient.Reply changed = await hal.PostAsync("password/change", new { managementCredential = credential, registrationRecord = VaultTestClient.B64(record), wrappedKey = VaultTestClient.B64(wrapped) });
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Equal(2, changed.Body.GetProperty("version").GetInt64());
        Assert.Null((await hal.LoginAsync(Password)).Key);
        Assert.NotNull((await hal.LoginAsync("second password")).Key);

        for (int i = 0; i < 3; i++) await hal.LoginAsync("wrong");
        Assert.Equal(HttpStatusCode.Locked, (await hal.LoginAsync("second password")).Start.Status);
        (record, wrapped, _) = await hal.RegisterAsync("third password", k);
        var body = new { managementCredential = credential, registrationRecord = VaultTestClient.B64(record), wrappedKey = VaultTestClient.B64(wrapped) };
        Assert.Equal("locked", (await hal.PostAsync("password/change", body)).Error);
        Assert.Equal(HttpStatusCode.OK, (await hal.PostAsync("password/reset", body)).Status);
        using BackupKey again = BackupKey.Import((await hal.LoginAsync("third password")).Key!);
        Assert.True(again.SameAs(k));
    }

    [Fact]
    public async Task UnknownAccountGetsAKe2OfTheSameForm()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(Hsm);
        VaultTestClient ivy = v.Client("ivy");
        using BackupKey k = BackupKey.Generate();
        await ivy.EnrolAsync(Password, k);
        VaultTestClient ghost = v.Client("ghost");

        VaultTestClient.PendingLogin real = await ivy.StartLoginAsync("a guess");
        VaultTestClient.PendingLogin fake = await ghost.StartLoginAsync("a guess");
        Assert.Equal(real.Reply.Status, fake.Reply.Status);
        Assert.Equal(Fields(real.Reply), Fields(fake.Reply));
        Assert.Equal(real.Reply.Bytes("ke2").Length, fake.Reply.Bytes("ke2").Length);
        Assert.Equal(real.Reply.Bytes("sessionId").Length, fake.Reply.Bytes("sessionId").Length);
        Assert.Equal(real.Reply.GuessesLeft, fake.Reply.GuessesLeft);
        Assert.Null(VaultTestClient.Ke3For(fake)); // parses as a KE2; the envelope just does not open
        Assert.Null(VaultTestClient.Ke3For(real));

        VaultTestClient.Reply realFinish = await ivy.FinishAsync(real.SessionId, RandomNumberGenerator.GetBytes(64));
        VaultTestClient.Reply fakeFinish = await ghost.FinishAsync(fake.SessionId, RandomNumberGenerator.GetBytes(64));
        Assert.Equal(realFinish.Status, fakeFinish.Status);
        Assert.Equal(realFinish.Error, fakeFinish.Error);
        Assert.Equal(Fields(realFinish), Fields(fakeFinish));
    }

    [Fact]
    public async Task RestartKeepsEveryRecordCounterAndPendingLogin()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(Hsm, new Lockbox.Vault.Server.Hosting.VaultServerOptions { CompactEvery = 5, AccountRequestsPerMinute = 100_000 });
        using BackupKey k1 = BackupKey.Generate(), k2 = BackupKey.Generate();
        VaultTestClient jan = v.Client("jan"), kim = v.Client("kim");
        await jan.EnrolAsync(Password, k1);
        await kim.EnrolAsync("kim's password", k2, guessLimit: 4);
        for (int i = 0; i < 3; i++) await jan.LoginAsync("wrong");
        for (int i = 0; i < 4; i++) await kim.LoginAsync("wrong"); // kim is erased
        VaultTestClient.PendingLogin open = await jan.StartLoginAsync(Password);
        byte[] before = (await v.Vault.Node.ReadStateAsync()).Serialize();

        await v.RestartAsync();
        jan = v.Client("jan");
        Assert.Equal(before, (await v.Vault.Node.ReadStateAsync()).Serialize());
        Assert.Equal(6, (await jan.StatusAsync()).GuessesLeft);
        Assert.True((await v.Client("kim").StatusAsync()).Body.GetProperty("locked").GetBoolean());
        using (var result = VaultTestClient.Ke3For(open)!)
        {
            VaultTestClient.Reply finish = await jan.FinishAsync(open.SessionId, result.KE3.Serialize());
            Assert.Equal(HttpStatusCode.OK, finish.Status); // the pending login survived the restart
            Assert.True(k1.SameAs(BackupKey.Import(jan.OpenSealedKey(result, finish.Bytes("sealedKey")))));
        }
        Assert.True(File.Exists(Path.Combine(v.Directory, "state", "snapshot")));
    }

    [Fact]
    public async Task DumpOfEverythingTheVaultStoresHoldsNoPasswordKeyOrOfflineGuessMaterial()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync(Hsm, new Lockbox.Vault.Server.Hosting.VaultServerOptions { CompactEvery = 3, AccountRequestsPerMinute = 100_000 });
        VaultTestClient lee = v.Client("lee");
        using BackupKey k = BackupKey.Generate();
        const string password = "Tr0ub4dor&3-unique-password";
        (byte[] record, byte[] wrapped, byte[] exportKey) = await lee.RegisterAsync(password, k);
        Assert.Equal(HttpStatusCode.Created, (await lee.PostAsync("enrol", new
        {
            registrationRecord = VaultTestClient.B64(record),
            wrappedKey = VaultTestClient.B64(wrapped),
            managementCredential = VaultTestClient.B64(VaultTestClient.ManagementCredential(k)),
        })).Status);
        Assert.NotNull((await lee.LoginAsync(password)).Key);
        await lee.LoginAsync("wrong");
        byte[] oprfKeySeed = new byte[32];
        v.Vault.Hsm.DeriveOprfKeySeed("lee"u8, oprfKeySeed);
        await v.RestartAsync();

        byte[] dump = v.Dump();
        byte[] kBytes = new byte[32];
        k.CopyTo(kBytes);
        var secrets = new Dictionary<string, byte[]>
        {
            ["password"] = System.Text.Encoding.UTF8.GetBytes(password),
            ["K"] = kBytes,
            ["K as 64 digits"] = System.Text.Encoding.ASCII.GetBytes(k.ToDigits().Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal)),
            ["K in base64url"] = System.Text.Encoding.ASCII.GetBytes(VaultTestClient.B64(kBytes)),
            ["export key"] = exportKey,
            ["management credential"] = VaultTestClient.ManagementCredential(k),
            ["OPRF key seed"] = oprfKeySeed,
            ["registration record (masking key, envelope)"] = record[32..],
            ["wrapped key"] = wrapped,
            ["record in base64url"] = System.Text.Encoding.ASCII.GetBytes(VaultTestClient.B64(record)),
        };
        foreach ((string name, byte[] secret) in secrets)
            Assert.True(dump.AsSpan().IndexOf(secret) < 0, $"the vault's files or logs contain the {name}");
        if (Hsm == "software")
            Assert.True(File.Exists(Path.Combine(v.Directory, "hsm.key")), "software HSM keeps its keys in the dir (documented)");
        else
            Assert.False(File.Exists(Path.Combine(v.Directory, "hsm.key")));
    }

    /// <summary>The vault's snapshot and every log entry, opened with its own HSM.</summary>
    private static List<byte[]> Decrypted(VaultUnderTest v)
    {
        Lockbox.Vault.Server.Storage.CommandLog.Read(v.Vault.Hsm, Path.Combine(v.Directory, "state"), out byte[]? snapshot, out List<byte[]> entries, out _);
        if (snapshot is not null) entries.Add(snapshot);
        return entries;
    }

    private static string[] Fields(VaultTestClient.Reply reply) =>
        reply.Body.EnumerateObject().Select(p => p.Name + ":" + p.Value.ValueKind).Order(StringComparer.Ordinal).ToArray();
}

public sealed class SoftwareHsmVaultTests : VaultBehaviour
{
    private protected override string Hsm => "software";
}

[Collection(Pkcs11Collection.Name)]
public sealed class Pkcs11HsmVaultTests : VaultBehaviour
{
    private protected override string Hsm => "pkcs11";
}
