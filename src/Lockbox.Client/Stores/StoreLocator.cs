using Lockbox.Repository.Storage;
using Lockbox.Storage.Azure;
using Lockbox.Storage.Resilience;
using Lockbox.Storage.S3;

namespace Lockbox.Client.Stores;

/// <summary>
/// The single place a repository address (what a user passes as <c>--repo</c>) becomes a store:
/// a folder path, <c>s3://bucket/prefix</c> or <c>azure://container/prefix</c> (docs/STORAGE.md).
/// Credentials and endpoints come from each ecosystem's environment variables, never from the address.
/// </summary>
public static class StoreLocator
{
    private const string Forms = "use a folder path, s3://bucket/prefix or azure://container/prefix";

    /// <summary>The variable that caps a cloud store's average transfer rate, in bytes per second ("800KiB", "5MiB", "1000000").</summary>
    public const string BandwidthVariable = "LOCKBOX_BANDWIDTH_LIMIT";

    /// <summary>Opens the store at <paramref name="address"/> with the default retry rules and the bandwidth limit in <see cref="BandwidthVariable"/>, if set.</summary>
    /// <exception cref="BlobStoreException">The address or the configuration is wrong; the message is one line for the user.</exception>
    public static IBlobStore Open(string address) =>
        Open(address, ResilienceOptions.Default with { BandwidthBytesPerSecond = BandwidthFrom(Environment.GetEnvironmentVariable) });

    /// <summary>Opens the store at <paramref name="address"/>; cloud stores use <paramref name="resilience"/> (retries, parallelism, bandwidth).</summary>
    /// <exception cref="BlobStoreException">The address or the configuration is wrong; the message is one line for the user.</exception>
    public static IBlobStore Open(string address, ResilienceOptions resilience) =>
        Open(address, resilience, Environment.GetEnvironmentVariable);

    /// <summary>Reads <see cref="BandwidthVariable"/>: null when unset, else bytes per second.</summary>
    internal static long? BandwidthFrom(Func<string, string?> environment)
    {
        var text = environment(BandwidthVariable)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var (digits, unit) = SplitUnit(text);
        long multiplier = unit.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" => 1000,
            "KIB" => 1024,
            "M" or "MB" => 1000_000,
            "MIB" => 1024 * 1024,
            "G" or "GB" => 1000_000_000,
            "GIB" => 1024 * 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0 || !long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value < 1 || value > long.MaxValue / multiplier)
        {
            throw new BlobStoreException($"{BandwidthVariable} must be a whole number of bytes per second, optionally with KiB, MiB or GiB (e.g. 5MiB), not '{Shorten(text)}'.");
        }
        return value * multiplier;
    }

    private static (string Digits, string Unit) SplitUnit(string text)
    {
        var end = 0;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }
        return (text[..end], text[end..].Trim());
    }

    internal static IBlobStore Open(string address, ResilienceOptions resilience, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(resilience);
        ArgumentNullException.ThrowIfNull(environment);
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new BlobStoreException($"No repository address given: {Forms}.");
        }
        address = address.Trim();
        var separator = address.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0)
        {
            return new FolderBlobStore(address);
        }
        var scheme = address[..separator].ToLowerInvariant();
        var rest = address[(separator + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var root = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        switch (scheme)
        {
            case "file":
                return new FolderBlobStore(rest.Length == 0 ? throw new BlobStoreException($"'{address}' names no folder.") : rest);
            case "s3":
                CheckName(root, "bucket", "s3://bucket/prefix", IsBucketName);
                return new S3BlobStore(S3StoreOptions.FromEnvironment(root, prefix, environment) with { Resilience = resilience });
            case "azure":
                CheckName(root, "container", "azure://container/prefix", IsContainerName);
                return new AzureBlobStore(AzureStoreOptions.FromEnvironment(root, prefix, environment) with { Resilience = resilience });
            default:
                throw new BlobStoreException($"Unknown repository address scheme '{Shorten(scheme)}://': {Forms}.");
        }
    }

    private static void CheckName(string name, string what, string form, Func<string, bool> isValid)
    {
        if (name.Length == 0)
        {
            throw new BlobStoreException($"The repository address names no {what}: expected {form}.");
        }
        if (!isValid(name))
        {
            throw new BlobStoreException($"'{Shorten(name)}' is not a valid {what} name: 3 to 63 lowercase letters, digits and hyphens.");
        }
    }

    // S3: 3–63 of a-z 0-9 . -, starting and ending with a letter or digit.
    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);

    // Azure: 3–63 of a-z 0-9 -, starting with a letter or digit, no double hyphen.
    private static bool IsContainerName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && !name.Contains("--", StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
