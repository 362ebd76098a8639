using Lockbox.Cryptography;

namespace Lockbox.Client;

/// <summary>
/// Finds the backup key for an operation: a recovered key, then the digits the app gave (an explicit choice), then
/// this device's state, then a hidden prompt. A malformed key is reported with what is wrong with it.
/// </summary>
internal sealed class KeyResolver(LockboxClientOptions options)
{
    /// <summary>The key and its origin, or null when no source has one (and <paramref name="allowPrompt"/> found no one to ask).</summary>
    public (BackupKey Key, KeyOrigin Origin)? TryResolve(bool allowPrompt, CancellationToken cancellationToken)
    {
        if (options.RecoveredKey is not null)
            return (Copy(options.RecoveredKey), KeyOrigin.Vault);

        if (!string.IsNullOrWhiteSpace(options.KeyDigits))
            return (Parse(options.KeyDigits, "the 64-digit key given"), KeyOrigin.Digits);

#pragma warning disable CA2000 // ownership of the key passes to the caller with the result
        BackupKey? stored = options.State.TryLoadKey();
#pragma warning restore CA2000
        if (stored is not null)
            return (stored, KeyOrigin.DeviceState);

        if (allowPrompt && options.PromptForKey is not null)
        {
            string? typed = options.PromptForKey(cancellationToken);
            if (typed is not null)
                return (Parse(typed, "the key typed"), KeyOrigin.Prompt);
        }
        return null;
    }

    /// <summary>Like <see cref="TryResolve"/>, but a missing key is an error.</summary>
    public (BackupKey Key, KeyOrigin Origin) Resolve(CancellationToken cancellationToken)
        => TryResolve(allowPrompt: true, cancellationToken)
           ?? throw new KeyUnavailableException($"This device has no backup key (device state {options.State.Directory}) and none was given: the 64-digit key is needed.");

    /// <summary>The key this device has without asking anyone, or an error naming <paramref name="what"/> that needs it.</summary>
    public BackupKey RequireLocal(string what)
        => TryResolve(allowPrompt: false, CancellationToken.None)?.Key
           ?? throw new KeyUnavailableException($"{what} needs the backup key, which this device does not hold (device state {options.State.Directory}): use the original device, or give the 64-digit key.");

    internal static BackupKey Copy(BackupKey key)
    {
        Span<byte> raw = stackalloc byte[BackupKey.Size];
        try
        {
            key.CopyTo(raw);
            return BackupKey.Import(raw);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(raw);
        }
    }

    private static BackupKey Parse(string text, string source)
    {
        if (!BackupKey.TryParse(text, out BackupKey? key, out string? error))
            throw new KeyUnavailableException($"Malformed key in {source}: {error}", malformed: true);
        return key!;
    }
}
