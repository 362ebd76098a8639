using System.Buffers.Text;
using System.Text.Json.Nodes;
using Lockbox.Client.Vault;
using Lockbox.Cryptography;
using Lockbox.Vault.Tests.Support;

namespace Lockbox.Vault.Tests.EndToEnd;

/// <summary>
/// A network attacker or a vault operator who alters the escrow: the device reports it and never returns a
/// key. The vault and HTTP are real; a handler in the device's HTTP stack flips one bit of one field. Answers
/// altered in transit fail the fleet signature; a record altered at rest fails the key wrap's authentication.
/// </summary>
public sealed class TamperingTests
{
    private const string Password = "tamper-evident";

    [Fact]
    public async Task ASealedKeyAlteredInTransitFailsTheFleetSignature()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        string account = DeviceClients.NewAccount();
        using BackupKey key = BackupKey.Generate();
        using (VaultClient device = vault.Device(account))
            await device.EnrolAsync(Password, key);

        using var http = new HttpClient(new FlipField("login/finish", "sealedKey", inResponse: true) { InnerHandler = new HttpClientHandler() });
        using VaultClient attacked = Device(vault, account, http);
        VaultException e = await Assert.ThrowsAsync<VaultException>(() => attacked.RecoverAsync(Password));
        Assert.Equal(VaultFailure.NotAuthentic, e.Failure);
        Assert.Contains("answer to login/finish is not signed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrappedKeyAlteredInTheVaultIsReportedAsTampered()
    {
        await using VaultUnderTest vault = await VaultUnderTest.StartAsync();
        string account = DeviceClients.NewAccount();
        using BackupKey key = BackupKey.Generate();
        // The stored blob differs by one bit from what the device wrapped (an operator editing the record). The
        // enrolling device already sees that the vault signed another request than the one it sent.
        using (var http = new HttpClient(new FlipField("enrol", "wrappedKey", inResponse: false) { InnerHandler = new HttpClientHandler() }))
        using (VaultClient device = Device(vault, account, http))
            Assert.Equal(VaultFailure.NotAuthentic, (await Assert.ThrowsAsync<VaultException>(() => device.EnrolAsync(Password, key))).Failure);

        using VaultClient newPhone = vault.Device(account);
        VaultException e = await Assert.ThrowsAsync<VaultException>(() => newPhone.RecoverAsync(Password));
        Assert.Equal(VaultFailure.Tampered, e.Failure);
        Assert.Contains("record was altered", e.Message, StringComparison.Ordinal);
    }

    private static VaultClient Device(VaultUnderTest vault, string account, HttpClient http) => new(new VaultClientOptions
    {
        VaultUrl = vault.Vault.BaseAddress,
        AccountId = account,
        AccountToken = vault.Token(account),
        FleetPublicKey = vault.FleetKey(),
        KeyStretching = KeyStretchingPresets.Test,
        HttpClient = http,
    });

    /// <summary>Flips the lowest bit of the first byte of a base64url JSON field in the request or the response of one endpoint.</summary>
    private sealed class FlipField(string endpoint, string field, bool inResponse) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            bool target = request.RequestUri!.AbsolutePath.EndsWith("/" + endpoint, StringComparison.Ordinal);
            if (target && !inResponse)
                request.Content = await FlipAsync(request.Content!, cancellationToken);
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (target && inResponse && response.IsSuccessStatusCode)
                response.Content = await FlipAsync(response.Content, cancellationToken);
            return response;
        }

        private async Task<HttpContent> FlipAsync(HttpContent content, CancellationToken cancellationToken)
        {
            JsonObject body = JsonNode.Parse(await content.ReadAsStringAsync(cancellationToken))!.AsObject();
            byte[] bytes = Base64Url.DecodeFromChars(body[field]!.GetValue<string>());
            bytes[0] ^= 1;
            body[field] = Base64Url.EncodeToString(bytes);
            return new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }
    }
}
