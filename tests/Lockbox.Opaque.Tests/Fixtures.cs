using System.Text.Json;

namespace Lockbox.Opaque.Tests;

/// <summary>Finds the shared test vectors: LOCKBOX_TEST_FIXTURES, else ../shared/fixtures next to the repository.</summary>
internal static class Fixtures
{
    public static string Directory
    {
        get
        {
            string? fromEnv = Environment.GetEnvironmentVariable("LOCKBOX_TEST_FIXTURES");
            if (!string.IsNullOrEmpty(fromEnv) && System.IO.Directory.Exists(fromEnv))
                return fromEnv;
            string root = RepositoryRoot();
            string fallback = Path.GetFullPath(Path.Combine(root, "..", "shared", "fixtures"));
            if (System.IO.Directory.Exists(fallback))
                return fallback;
            throw new InvalidOperationException($"Test vectors not found: set LOCKBOX_TEST_FIXTURES or provide {fallback} (./test sets it).");
        }
    }

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
