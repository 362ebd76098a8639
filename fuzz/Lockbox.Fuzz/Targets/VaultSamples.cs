using Lockbox.Vault.Core.Commands;
using Lockbox.Vault.Core.State;

namespace Lockbox.Fuzz.Targets;

/// <summary>
/// Real vault log entries and a real vault state, built with the vault's own types and codecs: the seeds of the
/// vault targets. One line per command, so a changed command signature is a one-line edit here.
/// </summary>
internal static class VaultSamples
{
    private const string Account = "alice@example.org";
    private const long Time = 1_800_000_000_000;

    private static byte[] Bytes(int length, int start) => [.. Enumerable.Range(start, length).Select(i => (byte)i)];

    public static IEnumerable<KeyValuePair<string, VaultCommand>> Commands()
    {
        OpaqueSamples s = OpaqueSamples.Instance;
        yield return new("enrol", new EnrolCommand(Account, Time, s.RegistrationRecord, Bytes(60, 1), Bytes(32, 2), 10, Bytes(16, 8), new KsfParameters(3, 65536, 4)));
        yield return new("start-login", new StartLoginCommand(Account, Time + 1, s.KE1, Bytes(VaultStateMachine.SessionIdSize, 3), Bytes(96, 4)));
        yield return new("finish-login", new FinishLoginCommand(Account, Time + 2, Bytes(VaultStateMachine.SessionIdSize, 3), s.KE3, Bytes(12, 5)));
        yield return new("change-password", new ChangePasswordCommand(Account, Time + 3, Bytes(32, 2), s.RegistrationRecord, Bytes(60, 6), Bytes(16, 9), new KsfParameters(3, 65536, 4)));
        yield return new("reset-password", new ResetPasswordCommand(Account, Time + 4, Bytes(32, 2), s.RegistrationRecord, Bytes(60, 7), Bytes(16, 10), new KsfParameters(1, 65536, 4)));
        yield return new("delete", new DeleteCommand(Account, Time + 5, Bytes(32, 2)));
        yield return new("tick", new TickCommand(Time + 6));
    }

    public static IEnumerable<KeyValuePair<string, byte[]>> Entries() =>
        Commands().Select(c => new KeyValuePair<string, byte[]>(c.Key, CommandCodec.Serialize(c.Value)));

    /// <summary>A state with an enrolled account, a locked one and a pending login.</summary>
    public static VaultState State()
    {
        OpaqueSamples s = OpaqueSamples.Instance;
        var state = new VaultState();
        state.Accounts.Add(Account, new AccountRecord
        {
            AccountId = Account, Record = s.RegistrationRecord, WrappedKey = Bytes(60, 1), ManagementHash = Bytes(32, 2),
            GuessCount = 1, GuessLimit = 10, Version = 3,
        });
        state.Accounts.Add("bob", new AccountRecord
        {
            AccountId = "bob", Record = s.RegistrationRecord, WrappedKey = null, ManagementHash = Bytes(32, 9),
            GuessCount = 10, GuessLimit = 10, Locked = true, Version = 12,
        });
        state.Pending.Add(Convert.ToHexStringLower(Bytes(VaultStateMachine.SessionIdSize, 3)), new PendingLogin(Account, Bytes(192, 8), Time + 60_000, false, 3));
        return state;
    }
}
