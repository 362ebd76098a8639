#:project ../../src/Lockbox.Opaque/Lockbox.Opaque.csproj
// Lockbox's OPAQUE server cost in CPU time of the calling thread, so the figure is "operations per
// second per core" even on a busy machine (wall-clock benchmarks there measure the neighbours).
// Usage: dotnet run benchmarks/opaque/server-cpu-time.cs [cpu-seconds-per-measurement=2]
using System.Runtime.InteropServices;
using Lockbox.Cryptography.Sodium;
using Lockbox.Opaque;

double seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2;
var configuration = new OpaqueConfiguration([], KeyStretching.Identity);
using ServerKeyPair keyPair = ServerKeyPair.Generate();
using OprfSeed oprfSeed = OprfSeed.Generate();
byte[] credentialIdentifier = "alice@lockbox"u8.ToArray();
byte[] keySeed = new byte[OprfSeed.KeySeedSize];
oprfSeed.DeriveKeySeed(credentialIdentifier, keySeed);
var server = new OpaqueServer(keyPair, configuration);
var client = new OpaqueClient(configuration);
byte[] password = "correct horse battery staple"u8.ToArray();

using ClientRegistrationState registration = client.CreateRegistrationRequest(password);
RegistrationRequest registrationRequest = registration.Request;
using ClientRegistrationResult registered = client.FinalizeRegistrationRequest(
    registration, password, server.CreateRegistrationResponse(registration.Request, keySeed));
RegistrationRecord record = registered.Record;

// Fixed server randomness: every iteration finishes with the same valid KE3 (identical work to fresh randomness).
byte[] maskingNonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
byte[] serverNonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
byte[] serverKeyshareSeed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
using ClientLoginState login = client.GenerateKE1(password);
KE2 firstKe2 = server.GenerateKE2(login.KE1, record, keySeed, maskingNonce, serverNonce, serverKeyshareSeed, out ServerLoginState firstState);
firstState.Dispose();
using ClientLoginResult result = client.GenerateKE3(login, password, firstKe2) ?? throw new InvalidOperationException("login failed");
KE3 ke3 = result.KE3;
byte[] sessionKey = new byte[64];

byte[] scalar = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
scalar[31] &= 0x0f;
byte[] point = keyPair.PublicKey.ToArray();
byte[] product = new byte[32];

Console.WriteLine($"Lockbox OPAQUE server, .NET {Environment.Version}, {seconds} CPU-seconds per measurement, thread CPU time");
Measure("login (GenerateKE2 + ServerFinish)", () =>
{
    server.GenerateKE2(login.KE1, record, keySeed, maskingNonce, serverNonce, serverKeyshareSeed, out ServerLoginState state);
    using (state)
    {
        if (!OpaqueServer.ServerFinish(state, ke3, sessionKey))
            throw new InvalidOperationException("ServerFinish failed");
    }
});
Measure("GenerateKE2 (fresh randomness, OprfSeed)", () =>
{
    server.GenerateKE2(login.KE1, record, oprfSeed, credentialIdentifier, out ServerLoginState state);
    state.Dispose();
});
Measure("CreateRegistrationResponse", () => server.CreateRegistrationResponse(registrationRequest, keySeed));
Measure("crypto_scalarmult_ristretto255", () => Ristretto255.TryScalarMult(scalar, point, product));
return 0;

void Measure(string name, Action operation)
{
    for (int i = 0; i < 200; i++)
        operation();
    long start = ThreadCpu.Nanoseconds();
    long budget = (long)(seconds * 1e9);
    int ops = 0;
    long spent;
    do
    {
        for (int i = 0; i < 20; i++)
            operation();
        ops += 20;
        spent = ThreadCpu.Nanoseconds() - start;
    }
    while (spent < budget);
    double microseconds = spent / 1e3 / ops;
    Console.WriteLine($"{name,-42} {ops,7} ops {microseconds,9:F1} us/op {1e6 / microseconds,8:F0} ops/s/core");
}

internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static long Nanoseconds()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out Timespec ts) != 0)
            throw new InvalidOperationException("clock_gettime failed");
        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec timespec);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
