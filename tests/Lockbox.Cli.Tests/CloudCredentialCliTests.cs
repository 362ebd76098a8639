using Amazon.S3;
using Amazon.S3.Model;
using Lockbox.Cli.Tests.Processes;
using Lockbox.Cli.Tests.Support;

namespace Lockbox.Cli.Tests;

/// <summary>
/// The CLI finds S3 credentials as the AWS tools do: a profile in a shared credentials file carries a whole
/// init, backup and restore against s3rver; with no keys, no profile and no role, one line says where it looked.
/// </summary>
public sealed class CloudCredentialCliTests : IDisposable
{
    private const string S3rverKey = "S3RVER";
    private readonly Workspace _w = new();

    public void Dispose() => _w.Dispose();

    private static string Endpoint => Environment.GetEnvironmentVariable("LOCKBOX_TEST_S3_ENDPOINT") is { Length: > 0 } e
        ? e : throw new InvalidOperationException("LOCKBOX_TEST_S3_ENDPOINT is not set: run these tests with ./test.");

    [Fact]
    public async Task AnAwsProfileCarriesABackupAndRestore()
    {
        var bucket = "lockbox-cli-" + Guid.NewGuid().ToString("N")[..12];
        using (var admin = new AmazonS3Client(S3rverKey, S3rverKey, new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
        {
            await admin.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        }
        var credentials = _w.PathOf("aws-credentials");
        File.WriteAllText(credentials, $"[backups]\naws_access_key_id = {S3rverKey}\naws_secret_access_key = {S3rverKey}\n");
        var environment = new Dictionary<string, string>
        {
            ["AWS_PROFILE"] = "backups",
            ["AWS_SHARED_CREDENTIALS_FILE"] = credentials,
            ["AWS_ENDPOINT_URL_S3"] = Endpoint,
            ["AWS_REGION"] = "us-east-1",
        };
        var repo = $"s3://{bucket}/chat";
        var chat = _w.MakeChat(messages: 300, mediaBytes: 256 << 10);

        (await _w.RunWithEnvironmentAsync(_w.Home, environment, "init", "--repo", repo)).AssertSuccess();
        (await _w.RunWithEnvironmentAsync(_w.Home, environment, "backup", "--repo", repo, "--db", chat.DatabasePath, "--media", chat.MediaDirectory)).AssertSuccess();
        var output = _w.PathOf("restored");
        (await _w.RunWithEnvironmentAsync(_w.Home, environment, "restore", "--repo", repo, "--to", output)).AssertSuccess();

        Assert.Empty(Lockbox.Cli.Demo.ChatComparer.Compare(chat.DatabasePath, Path.Combine(output, "msgstore.db"), chat.MediaDirectory,
            Path.Combine(output, Lockbox.Cli.Demo.ChatGenerator.MediaFolderName), out _, out _));

        environment["AWS_PROFILE"] = "nope";
        (await _w.RunWithEnvironmentAsync(_w.Home, environment, "snapshots", "--repo", repo))
            .AssertOneLineFailure(7, $"No S3 credentials for s3://{bucket}: no profile 'nope' with credentials in {credentials} (AWS_SHARED_CREDENTIALS_FILE).");
    }

    [Fact]
    public async Task NoCredentialsAnywhereIsOneLineNamingWhereTheyWereLookedFor()
    {
        // A process of its own: the AWS default chain reads the real environment and ~/.aws.
        var start = LockboxProcess.StartInfo(_w.Home, ["snapshots", "--repo", "s3://lockbox-nothing/x"]);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_ENDPOINT_URL_S3"] = Endpoint;
        start.Environment["HOME"] = _w.Root; // no ~/.aws
        start.Environment["LOCKBOX_KEY"] = new string('0', 64); // the key is asked for before the store is opened
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        var result = new CliResult(process.ExitCode, await output, await error);

        result.AssertOneLineFailure(7, "No S3 credentials for s3://lockbox-nothing: looked in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the profile AWS_PROFILE names (or 'default') in ~/.aws/credentials and ~/.aws/config (SSO included), AWS_WEB_IDENTITY_TOKEN_FILE, and the container or EC2 instance role.");
    }
}
