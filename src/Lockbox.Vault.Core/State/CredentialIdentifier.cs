using System.Text;

namespace Lockbox.Vault.Core.State;

/// <summary>
/// The OPRF credential identifier of an account (docs/PROTOCOL.md §4, issue 9 finding 2):
/// <c>UTF-8(account_id) || 0x00 || enrolment_id</c>, where <c>enrolment_id</c> is 16 random bytes the vault
/// chose at <c>registration/start</c> and the record keeps. Every (re-)registration draws a new one, so an
/// evaluation made for a registration is useless against the account's live record. An empty
/// <c>enrolment_id</c> (records and log entries written before it existed, and unknown accounts) gives the
/// plain <c>UTF-8(account_id)</c>, the identifier of format 1.
/// </summary>
public static class CredentialIdentifier
{
    /// <summary>Size of an enrolment id.</summary>
    public const int EnrolmentIdSize = 16;

    /// <summary>Longest account id, in UTF-8 bytes, the vault core accepts (the HTTP rule allows 128 ASCII characters).</summary>
    public const int MaxAccountIdBytes = 128;

    /// <summary>True for 1 to <see cref="MaxAccountIdBytes"/> UTF-8 bytes and no NUL (the separator).</summary>
    public static bool IsValidAccountId(string? accountId)
    {
        if (string.IsNullOrEmpty(accountId) || accountId.Contains('\0', StringComparison.Ordinal)) return false;
        int bytes;
        try
        {
            bytes = new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(accountId);
        }
        catch (ArgumentException)
        {
            return false; // lone surrogates
        }
        return bytes <= MaxAccountIdBytes;
    }

    /// <summary>The identifier bytes; <paramref name="enrolmentId"/> is empty or <see cref="EnrolmentIdSize"/> bytes.</summary>
    public static byte[] For(string accountId, ReadOnlySpan<byte> enrolmentId)
    {
        if (!enrolmentId.IsEmpty && enrolmentId.Length != EnrolmentIdSize)
            throw new ArgumentException($"An enrolment id is {EnrolmentIdSize} bytes.", nameof(enrolmentId));
        byte[] account = Encoding.UTF8.GetBytes(accountId);
        if (enrolmentId.IsEmpty) return account;
        byte[] identifier = new byte[account.Length + 1 + EnrolmentIdSize];
        account.CopyTo(identifier, 0);
        enrolmentId.CopyTo(identifier.AsSpan(account.Length + 1));
        return identifier;
    }
}
