namespace Lockbox.Fuzz.Tests;

/// <summary>Runs a target over its seed corpus and deterministic mutations of it; reports the first input that throws.</summary>
internal static class SmokeRunner
{
    public const int Mutations = 3000;

    /// <summary>The committed seeds of <paramref name="target"/> (fuzz/corpus/NAME, copied next to the tests).</summary>
    public static List<byte[]> Corpus(string target)
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "corpus", target);
        Assert.True(Directory.Exists(dir), $"no seed corpus for {target} at {dir}");
        List<byte[]> seeds = [.. Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
        Assert.NotEmpty(seeds);
        return seeds;
    }

    /// <summary>Null when every input passed; otherwise what failed, with the input in hex to save as a regression seed.</summary>
    public static string? FirstFailure(IFuzzTarget target, IReadOnlyList<byte[]> seeds, int mutations, int seed)
    {
        var mutator = new Mutator(seed);
        for (int i = 0; i < seeds.Count + mutations; i++)
        {
            byte[] input = i < seeds.Count ? seeds[i] : mutator.Mutate(seeds);
            try
            {
                target.Run(input);
            }
#pragma warning disable CA1031 // the point is to catch whatever the parser lets escape
            catch (Exception e)
#pragma warning restore CA1031
            {
                string which = i < seeds.Count ? $"seed {i}" : $"mutation {i - seeds.Count} (seed {seed})";
                return $"{target.Name}: {which} threw {e.GetType().FullName}: {e.Message}\ninput: {Convert.ToHexString(input)}\n{e.StackTrace}";
            }
        }
        return null;
    }
}
