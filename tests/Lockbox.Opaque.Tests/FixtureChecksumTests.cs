using Lockbox.TestData;

namespace Lockbox.Opaque.Tests;

/// <summary>
/// testdata/opaque is exactly what was fetched from the CFRG repositories (see its NOTICE.md). Checks the
/// repository's copy even when LOCKBOX_TEST_FIXTURES points the other tests elsewhere.
/// </summary>
public sealed class FixtureChecksumTests
{
    /// <summary>Listed in the SHA256SUMS as fetched, never copied into the repository (NOTICE.md says why).</summary>
    private static readonly HashSet<string> NotShipped =
        ["opaque-P256-SHA256.json", "oprf-P256-SHA256.json", "opaque-formatted.txt", "rfc9807-appendixC.txt"];

    [Fact]
    public void VectorsMatchTheirSha256Sums()
    {
        Assert.Empty(Sha256Sums.Problems(Path.Combine(Fixtures.InRepository, "opaque"), NotShipped));
    }

    [Fact]
    public void TheRistrettoVectorsTheTestsReadAreThere()
    {
        foreach (string name in new[] { "opaque-ristretto255-SHA512.json", "oprf-ristretto255-SHA512.json" })
            Assert.True(File.Exists(Path.Combine(Fixtures.InRepository, "opaque", name)), name);
    }

    [Fact]
    public void ChangedByteMissingFileAndUnlistedFileAreEachReported()
    {
        string copy = Directory.CreateTempSubdirectory("lockbox-vectors-").FullName;
        try
        {
            string source = Path.Combine(Fixtures.InRepository, "opaque");
            foreach (string path in Directory.EnumerateFiles(source))
                File.Copy(path, Path.Combine(copy, Path.GetFileName(path)));
            byte[] vectors = File.ReadAllBytes(Path.Combine(copy, "opaque-vectors.json"));
            vectors[^2] ^= 0x01;
            File.WriteAllBytes(Path.Combine(copy, "opaque-vectors.json"), vectors);
            File.Delete(Path.Combine(copy, "oprf-allVectors.json"));
            File.WriteAllText(Path.Combine(copy, "extra.json"), "[]");

            IReadOnlyList<string> problems = Sha256Sums.Problems(copy, NotShipped);

            Assert.Equal(3, problems.Count);
            Assert.StartsWith("opaque-vectors.json: sha256 ", problems[0], StringComparison.Ordinal);
            Assert.EndsWith(", listed d87a1d0e770e24b14050e6c19c4ac463a6eee576fbd263f5cf20da4d6acb05be", problems[0], StringComparison.Ordinal);
            Assert.Equal("oprf-allVectors.json: listed but absent", problems[1]);
            Assert.Equal("extra.json: present but not listed", problems[2]);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
