using Lockbox.Repository.Storage;
using Lockbox.Storage.Resilience;

namespace Lockbox.Storage.S3;

/// <summary>
/// Opens <c>s3://bucket/prefix</c> addresses as <see cref="S3BlobStore"/>s, with the credentials and endpoint read
/// from <c>settings</c> under the AWS names (<see cref="S3StoreOptions.FromEnvironment"/>) when a store is opened.
/// </summary>
public sealed class S3StoreFactory : IBlobStoreFactory
{
    private readonly Func<string, string?> _settings;

    /// <param name="settings">Looks up a setting by its AWS variable name (the CLI passes the process environment).</param>
    public S3StoreFactory(Func<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
    }

    /// <summary>Retries, timeouts and parallelism of every store this factory opens; the app's <see cref="StoreLimits"/> apply on top.</summary>
    public ResilienceOptions Rules { get; init; } = ResilienceOptions.Default;

    public string Scheme => "s3";

    public string Form => "s3://bucket/prefix";

    public IBlobStore Open(StoreLocation location, StoreLimits limits)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(limits);
        if (location.Root.Length == 0)
            throw new BlobStoreException($"The repository address names no bucket: expected {Form}.");
        if (!IsBucketName(location.Root))
            throw new BlobStoreException($"'{StoreLocation.Shorten(location.Root)}' is not a valid bucket name: 3 to 63 lowercase letters, digits, hyphens and dots.");
        return new S3BlobStore(S3StoreOptions.FromEnvironment(location.Root, location.Prefix, _settings) with { Resilience = Rules.Within(limits) });
    }

    // 3–63 of a-z 0-9 . -, starting and ending with a letter or digit.
    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);
}
