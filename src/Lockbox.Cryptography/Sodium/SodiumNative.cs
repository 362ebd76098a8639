using System.Runtime.InteropServices;

namespace Lockbox.Cryptography.Sodium;

/// <summary>
/// The libsodium exports Lockbox uses (NuGet package <c>libsodium</c>). Every pointer argument is a
/// fixed-size buffer whose size the callers in <see cref="Ristretto255"/> check before the call.
/// </summary>
internal static partial class SodiumNative
{
    private const string Library = "libsodium";

    [LibraryImport(Library, EntryPoint = "sodium_init")]
    internal static partial int sodium_init();

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_is_valid_point")]
    internal static unsafe partial int crypto_core_ristretto255_is_valid_point(byte* p);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_from_hash")]
    internal static unsafe partial int crypto_core_ristretto255_from_hash(byte* p, byte* r);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_add")]
    internal static unsafe partial int crypto_core_ristretto255_add(byte* r, byte* p, byte* q);

    [LibraryImport(Library, EntryPoint = "crypto_scalarmult_ristretto255")]
    internal static unsafe partial int crypto_scalarmult_ristretto255(byte* q, byte* n, byte* p);

    [LibraryImport(Library, EntryPoint = "crypto_scalarmult_ristretto255_base")]
    internal static unsafe partial int crypto_scalarmult_ristretto255_base(byte* q, byte* n);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_scalar_random")]
    internal static unsafe partial void crypto_core_ristretto255_scalar_random(byte* r);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_scalar_invert")]
    internal static unsafe partial int crypto_core_ristretto255_scalar_invert(byte* recip, byte* s);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_scalar_reduce")]
    internal static unsafe partial void crypto_core_ristretto255_scalar_reduce(byte* r, byte* s);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_scalar_mul")]
    internal static unsafe partial void crypto_core_ristretto255_scalar_mul(byte* z, byte* x, byte* y);

    [LibraryImport(Library, EntryPoint = "crypto_sign_ed25519_seed_keypair")]
    internal static unsafe partial int crypto_sign_ed25519_seed_keypair(byte* pk, byte* sk, byte* seed);

    [LibraryImport(Library, EntryPoint = "crypto_sign_ed25519_detached")]
    internal static unsafe partial int crypto_sign_ed25519_detached(byte* sig, ulong* siglen, byte* m, ulong mlen, byte* sk);

    [LibraryImport(Library, EntryPoint = "crypto_sign_ed25519_verify_detached")]
    internal static unsafe partial int crypto_sign_ed25519_verify_detached(byte* sig, byte* m, ulong mlen, byte* pk);
}
