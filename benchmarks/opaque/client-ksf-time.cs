#:project ../../src/Lockbox.Opaque/Lockbox.Opaque.csproj
// The client's cost of one login (GenerateKE1 + GenerateKE3) per key stretching preset, in wall time and
// in process CPU time (Argon2id p = 4 runs its lanes on several threads).
// Usage: dotnet run -c Release benchmarks/opaque/client-ksf-time.cs [runs=3] [presets=Identity,MemoryConstrained,RfcRecommended]
using System.Diagnostics;
using Lockbox.Opaque;

int runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
string[] presets = (args.Length > 1 ? args[1] : "Identity,MemoryConstrained,RfcRecommended").Split(',');
byte[] password = "correct horse battery staple"u8.ToArray();
byte[] id = "alice@lockbox"u8.ToArray();
Console.WriteLine($"Lockbox OPAQUE client login, .NET {Environment.Version}, {Environment.ProcessorCount} cores, {runs} runs each");

foreach (string preset in presets)
{
    KeyStretching ksf = preset switch
    {
        "Identity" => KeyStretching.Identity,
        "MemoryConstrained" => KeyStretching.MemoryConstrained,
        "RfcRecommended" => KeyStretching.RfcRecommended,
        _ => throw new ArgumentException($"unknown preset {preset}"),
    };
    var configuration = new OpaqueConfiguration([], ksf);
    using ServerKeyPair keyPair = ServerKeyPair.Generate();
    using OprfSeed oprfSeed = OprfSeed.Generate();
    var server = new OpaqueServer(keyPair, configuration);
    var client = new OpaqueClient(configuration);
    using ClientRegistrationState registration = client.CreateRegistrationRequest(password);
    using ClientRegistrationResult registered = client.FinalizeRegistrationRequest(
        registration, password, server.CreateRegistrationResponse(registration.Request, oprfSeed, id));

    double wallTotal = 0;
    double cpuTotal = 0;
    for (int run = 0; run < runs; run++)
    {
        using ClientLoginState login = client.GenerateKE1(password);
        KE2 ke2 = server.GenerateKE2(login.KE1, registered.Record, oprfSeed, id, out ServerLoginState state);
        state.Dispose();
        TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        using ClientLoginResult? result = client.GenerateKE3(login, password, ke2);
        wallTotal += Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        cpuTotal += (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalMilliseconds;
        if (result is null)
            throw new InvalidOperationException("login failed");
    }
    Console.WriteLine($"{preset,-18} {ksf,-36} wall {wallTotal / runs,9:F1} ms  cpu {cpuTotal / runs,9:F1} ms per login");
}
return 0;
