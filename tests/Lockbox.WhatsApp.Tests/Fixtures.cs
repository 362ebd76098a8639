namespace Lockbox.WhatsApp.Tests;

/// <summary>
/// The WhatsApp files in the repository's testdata/whatsapp (see its NOTICE.md): env
/// LOCKBOX_TEST_FIXTURES names another copy with the same layout, else testdata/ at the repository root.
/// </summary>
internal static class Fixtures
{
    public const string KeyDigits = "6730a595a1484d0c39c101dc0ac82ec5e401bb6f0e1b8ee2dc104a6b3687f017";
    public const string DatabaseSha256 = "1425b944a2e3885fc936a7bb82f6548c5cc09523a2f61f02aa836c4ed8bbd16e";
    public const int DatabaseLength = 1_273_856;

    public static string Directory { get; } = Locate();

    public static string PathOf(string name) => Path.Combine(Directory, "whatsapp", name);

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    public static byte[] Crypt15 => Read("msgstore.db.crypt15");

    public static WhatsAppKey Key()
    {
        Assert.True(WhatsAppKey.TryParse(KeyDigits, out WhatsAppKey? key, out string? error), error);
        return key!;
    }

    /// <summary>The repository's own testdata/, whatever LOCKBOX_TEST_FIXTURES says.</summary>
    public static string InRepository
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Lockbox.slnx")))
                    return Path.Combine(dir.FullName, "testdata");
            }
            throw new InvalidOperationException("Lockbox.slnx not found above the test binaries; LOCKBOX_TEST_FIXTURES may name the test data.");
        }
    }

    private static string Locate()
    {
        string? env = Environment.GetEnvironmentVariable("LOCKBOX_TEST_FIXTURES");
        return string.IsNullOrEmpty(env) ? InRepository : env;
    }
}
