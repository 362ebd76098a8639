namespace Lockbox.Fuzz.Tests;

/// <summary>
/// The short fuzz pass of ./test: every target over its whole seed corpus plus deterministic mutations.
/// A target that lets an undocumented exception escape fails here with the input that caused it.
/// </summary>
public sealed class SmokeTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeedsAndMutationsRaiseOnlyTheDocumentedFailure(string name)
    {
        IFuzzTarget target = FuzzTargets.Find(name)!;
        string? failure = SmokeRunner.FirstFailure(target, SmokeRunner.Corpus(name), SmokeRunner.Mutations, seed: StableSeed(name));
        Assert.True(failure is null, failure);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeedsBuiltByTheWritersPassTheirTarget(string name)
    {
        IFuzzTarget target = FuzzTargets.Find(name)!;
        List<byte[]> fresh = [.. target.Seeds().Select(s => s.Value)];
        Assert.NotEmpty(fresh);
        Assert.Null(SmokeRunner.FirstFailure(target, fresh, mutations: 0, seed: 0));
    }

    [Fact]
    public void EveryTargetHasACommittedCorpusOfAFewKilobytes()
    {
        foreach (IFuzzTarget target in FuzzTargets.All)
        {
            long bytes = SmokeRunner.Corpus(target.Name).Sum(s => (long)s.Length);
            Assert.InRange(bytes, 1, 16 * 1024);
        }
    }

    [Fact]
    public void TargetNamesAreUniqueAndFindable()
    {
        Assert.Equal(FuzzTargets.All.Count, FuzzTargets.All.Select(t => t.Name).Distinct().Count());
        Assert.All(FuzzTargets.All, t => Assert.Same(t, FuzzTargets.Find(t.Name)));
        Assert.Null(FuzzTargets.Find("no-such-target"));
    }

    [Fact]
    public void TheSmokePassReportsAnUndocumentedException()
    {
        // A parser that throws IndexOutOfRangeException on a truncated length field, as a missing check would.
        var broken = new BrokenTarget();
        string? failure = SmokeRunner.FirstFailure(broken, [[0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]], SmokeRunner.Mutations, seed: 1);
        Assert.NotNull(failure);
        Assert.Contains("System.IndexOutOfRangeException", failure, StringComparison.Ordinal);
    }

    /// <summary>Deterministic across runs and platforms (string.GetHashCode is randomized per process).</summary>
    private static int StableSeed(string name) => name.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    private sealed class BrokenTarget : IFuzzTarget
    {
        public string Name => "broken";
        public string Allows => "FormatException";

        public void Run(ReadOnlySpan<byte> data)
        {
            if (data.Length < 4) throw new FormatException("truncated");
            int length = (data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3];
            if (length < 0) throw new FormatException("negative");
            byte[] copy = data.ToArray();
            _ = copy[4 + length - 1]; // no check that the field fits
        }

        public IEnumerable<KeyValuePair<string, byte[]>> Seeds() => [];
    }
}
