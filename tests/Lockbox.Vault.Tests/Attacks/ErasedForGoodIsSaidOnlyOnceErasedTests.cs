using System.Net;
using System.Security.Cryptography;
using Lockbox.Cryptography;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.Attacks;

/// <summary>
/// Issue 9, finding 12 (its message). While logins that hold the last guesses are pending, the key still
/// exists: the vault says "no guesses left" and status says not locked; "erased for good" comes only with
/// the erasure itself.
/// </summary>
public sealed class ErasedForGoodIsSaidOnlyOnceErasedTests
{
    [Fact]
    public async Task TheOutcomeSaysExactlyWhatTheStateIs()
    {
        await using VaultUnderTest v = await VaultUnderTest.StartAsync();
        VaultTestClient ivy = v.Client("ivy");
        using BackupKey k = BackupKey.Generate();
        await ivy.EnrolAsync("pw", k, guessLimit: 2);

        VaultTestClient.PendingLogin first = await ivy.StartLoginAsync("wrong 1");
        VaultTestClient.PendingLogin second = await ivy.StartLoginAsync("wrong 2");
        Assert.Equal(0, second.Reply.GuessesLeft);

        VaultTestClient.Reply failed = await ivy.FinishAsync(first.SessionId, RandomNumberGenerator.GetBytes(64));
        Assert.Equal("login_failed", failed.Error);
        Assert.DoesNotContain("erased", failed.Body.GetProperty("message").GetString()!.Replace("is erased when", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.False(failed.Body.GetProperty("locked").GetBoolean());

        VaultTestClient.PendingLogin third = await ivy.StartLoginAsync("pw");
        Assert.Equal(HttpStatusCode.Locked, third.Reply.Status);
        Assert.Equal("no_guesses_left", third.Reply.Error);
        Assert.DoesNotContain("gone for good", third.Reply.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        VaultTestClient.Reply status = await ivy.StatusAsync();
        Assert.False(status.Body.GetProperty("locked").GetBoolean());
        Assert.False(status.Body.GetProperty("erased").GetBoolean());

        VaultTestClient.Reply last = await ivy.FinishAsync(second.SessionId, RandomNumberGenerator.GetBytes(64));
        Assert.Contains("erased and is gone for good", last.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(last.Body.GetProperty("locked").GetBoolean());
        Assert.True((await ivy.StatusAsync()).Body.GetProperty("erased").GetBoolean());
        Assert.Equal("locked", (await ivy.StartLoginAsync("pw")).Reply.Error);
    }
}
