using System.Security.Cryptography;

namespace Lockbox.TestData;

/// <summary>
/// Checks a testdata folder against its SHA256SUMS (the "hash  name" lines sha256sum writes): every
/// listed file that is present has that hash, every listed file that is absent is one the folder's
/// NOTICE.md says is absent, and every data file present is listed (NOTICE.md and SHA256SUMS itself are
/// the only unlisted files). Linked into each test project that reads testdata/.
/// </summary>
internal static class Sha256Sums
{
    private static readonly string[] Unlisted = ["SHA256SUMS", "NOTICE.md"];

    /// <summary>One line per problem, empty when the folder matches its list.</summary>
    public static IReadOnlyList<string> Problems(string folder, IReadOnlySet<string> allowedAbsent)
    {
        var problems = new List<string>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(Path.Combine(folder, "SHA256SUMS")))
        {
            if (line.Length == 0)
                continue;
            int gap = line.IndexOf("  ", StringComparison.Ordinal);
            if (gap != 64)
            {
                problems.Add($"malformed line: {line}");
                continue;
            }
            string expected = line[..gap];
            string name = line[(gap + 2)..];
            listed.Add(name);
            string path = Path.Combine(folder, name);
            if (!File.Exists(path))
            {
                if (!allowedAbsent.Contains(name))
                    problems.Add($"{name}: listed but absent");
                continue;
            }
            string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
                problems.Add($"{name}: sha256 {actual}, listed {expected}");
        }
        foreach (string path in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (!listed.Contains(name) && !Unlisted.Contains(name))
                problems.Add($"{name}: present but not listed");
        }
        return problems;
    }
}
