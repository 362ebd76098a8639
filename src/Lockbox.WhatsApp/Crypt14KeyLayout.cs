namespace Lockbox.WhatsApp;

/// <summary>
/// The 131 bytes of a crypt14 <c>key</c> file (a Java-serialized byte[131], like encrypted_backup.key):
/// <c>cipher version[2] || key version[1] || server salt[32] || Google id salt[16] || hashed Google id[32] || IV[16] || AES key[32]</c>.
/// Verified against the fixture: the salts equal those in the crypt14 header, and the AES key
/// decrypts the body directly (no HKDF). docs/WHATSAPP.md, "crypt14".
/// </summary>
internal static class Crypt14KeyLayout
{
    public const int Size = 131;

    public static Range CipherVersion => 0..2;
    public static Range ServerSalt => 3..35;
    public static Range GoogleIdSalt => 35..51;
    public static Range AesKey => 99..131;
}
