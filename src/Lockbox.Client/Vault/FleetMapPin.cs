using System.Globalization;
using System.Text;

namespace Lockbox.Client.Vault;

/// <summary>
/// Where a device keeps the highest fleet map version it has accepted, per pinned fleet key
/// (docs/VAULT-API.md, "Fleet map"): a file in the device's own state (the CLI uses <c>LOCKBOX_HOME/fleet-maps</c>),
/// never the repository's hints, which the store can rewrite. A vault whose signed hello carries a lower version is
/// refused, so a node left with an old map — or an old signed answer replayed — cannot route the device back.
/// One line per fleet: <c>lbfk1.… VERSION</c>; the file is 0600 and replaced atomically.
/// </summary>
public sealed class FleetMapPin
{
    /// <summary>Uses (and, at the first raise, creates) the file <paramref name="path"/>.</summary>
    public FleetMapPin(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The highest version accepted for <paramref name="fleetKey"/> (0 when none was).</summary>
    public long VersionFor(ReadOnlySpan<byte> fleetKey) => Read().GetValueOrDefault(FleetKey.Format(fleetKey));

    /// <summary>Records <paramref name="version"/> for <paramref name="fleetKey"/> unless a higher one is already recorded.</summary>
    public void Raise(ReadOnlySpan<byte> fleetKey, long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        Dictionary<string, long> pins = Read();
        string key = FleetKey.Format(fleetKey);
        if (pins.GetValueOrDefault(key) >= version) return;
        pins[key] = version;
        var text = new StringBuilder();
        foreach ((string fleet, long v) in pins.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(fleet).Append(' ').Append(v.ToString(CultureInfo.InvariantCulture)).Append('\n');
        try
        {
            string directory = System.IO.Path.GetDirectoryName(Path)!;
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            string temporary = Path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, Path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VaultException(VaultFailure.Rejected, $"Cannot record the vault's fleet map version in {Path}: {e.Message}", e);
        }
    }

    private Dictionary<string, long> Read()
    {
        var pins = new Dictionary<string, long>(StringComparer.Ordinal);
        string[] lines;
        try
        {
            if (!File.Exists(Path)) return pins;
            lines = File.ReadAllLines(Path, Encoding.ASCII);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VaultException(VaultFailure.Rejected, $"Cannot read the fleet map versions this device saw ({Path}): {e.Message}", e);
        }
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length != 2 || !FleetKey.TryParse(parts[0], out _, out _)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long version))
                throw new VaultException(VaultFailure.Rejected, $"The fleet map versions this device saw ({Path}) are damaged; this device's state must not be guessed at.");
            pins[parts[0]] = Math.Max(version, pins.GetValueOrDefault(parts[0]));
        }
        return pins;
    }
}
