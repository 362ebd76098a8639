using Lockbox.Benchmarks.Repository;

// `repository-throughput [MiB] [work folder]` runs a whole backup / next-day / restore on generated chat data
// and prints figures; anything else goes to BenchmarkDotNet (every benchmark class in this assembly).
if (args.Length > 0 && args[0] == "repository-throughput")
{
    return await RepositoryThroughput.RunAsync(args[1..]).ConfigureAwait(false);
}
if (args.Length > 0 && args[0] == "stores-throughput")
{
    return await Lockbox.Benchmarks.Storage.StoreThroughput.RunAsync(args[1..]).ConfigureAwait(false);
}
if (args.Length > 0 && args[0] == "vault-login")
{
    return await Lockbox.Benchmarks.Vault.VaultLoginThroughput.RunAsync(args[1..]).ConfigureAwait(false);
}
BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
