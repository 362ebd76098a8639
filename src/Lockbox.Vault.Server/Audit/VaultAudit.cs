using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lockbox.Vault.Server.Audit;

/// <summary>
/// The audit trail of account operations (category <see cref="Category"/>, so an operator can route it apart from
/// the rest): one line per operation with the account id, outcome, guesses left, node, request id and remote
/// address. It is given only those values — never a token, a request body, an OPAQUE message, a credential or a key.
/// Optionally also appended, one JSON object per line, to a file created 0600.
/// </summary>
internal sealed class VaultAudit : IDisposable
{
    public const string Category = "Lockbox.Vault.Audit";

    private readonly ILogger _logger;
    private readonly string _node;
    private readonly IHttpContextAccessor _http;
    private readonly TimeProvider _time;
    private readonly StreamWriter? _file;
    private readonly Lock _gate = new();

    public VaultAudit(ILoggerFactory loggers, string node, IHttpContextAccessor http, TimeProvider time, string? filePath)
    {
        _logger = loggers.CreateLogger(Category);
        _node = node;
        _http = http;
        _time = time;
        if (filePath is not null) _file = Open(filePath);
    }

    /// <summary>Records one operation; <paramref name="guessesLeft"/> is null when the answer carries none.</summary>
    public void Record(string operation, string accountId, string outcome, int? guessesLeft)
    {
        HttpContext? context = _http.HttpContext;
        string requestId = context?.TraceIdentifier ?? "-";
        string remote = context?.Connection.RemoteIpAddress?.ToString() ?? "-";
        _logger.LogInformation("audit {Operation} account={Account} outcome={Outcome} guessesLeft={GuessesLeft} node={Node} request={RequestId} remote={Remote}",
            operation, accountId, outcome, guessesLeft?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", _node, requestId, remote);
        if (_file is null) return;
        string line = JsonSerializer.Serialize(new AuditLine(_time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            operation, accountId, outcome, guessesLeft, _node, requestId, remote), AuditJson.Default.AuditLine);
        lock (_gate)
        {
            _file.WriteLine(line);
            _file.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate) _file?.Dispose();
    }

    private static StreamWriter Open(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            return new StreamWriter(new FileStream(Path.GetFullPath(path), options), new UTF8Encoding(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Core.VaultConfigurationException($"Cannot append to the audit log {path}: {e.Message}");
        }
    }
}
