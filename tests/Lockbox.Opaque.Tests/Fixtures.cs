using System.Text.Json;

namespace Lockbox.Opaque.Tests;

/// <summary>Finds the test vectors: LOCKBOX_TEST_FIXTURES, else the repository's own testdata/ (see its README).</summary>
internal static class Fixtures
{
    public static string Directory
    {
        get
        {
            string? fromEnv = Environment.GetEnvironmentVariable("LOCKBOX_TEST_FIXTURES");
            if (!string.IsNullOrEmpty(fromEnv) && System.IO.Directory.Exists(fromEnv))
                return fromEnv;
            string inRepository = InRepository;
            if (System.IO.Directory.Exists(inRepository))
                return inRepository;
            throw new InvalidOperationException($"Test vectors not found at {inRepository}; LOCKBOX_TEST_FIXTURES may name another copy.");
        }
    }

    /// <summary>The repository's own testdata/, whatever LOCKBOX_TEST_FIXTURES says.</summary>
    public static string InRepository => Path.Combine(RepositoryRoot(), "testdata");

    public static JsonElement Load(string relativePath)
    {
        string path = Path.Combine(Directory, relativePath);
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.Clone();
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lockbox.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Lockbox.slnx not found above the test binaries.");
    }

    public static byte[] Hex(this JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);
}
