using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Lockbox.Vault.Hsm.Pkcs11;

/// <summary>
/// A PKCS#11 module is initialised once per process (a second C_Initialize fails, and C_Finalize ends
/// every session of the process), so HSM instances share one loaded module per path, reference-counted.
/// </summary>
internal static class LoadedLibraries
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, (IPkcs11Library Library, int References)> Loaded = new(StringComparer.Ordinal);

    public static IPkcs11Library Acquire(Pkcs11InteropFactories factories, string path)
    {
        lock (Gate)
        {
            string key = Path.GetFullPath(path);
            if (Loaded.TryGetValue(key, out var entry))
            {
                Loaded[key] = (entry.Library, entry.References + 1);
                return entry.Library;
            }
            IPkcs11Library library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, path, AppType.MultiThreaded);
            Loaded[key] = (library, 1);
            return library;
        }
    }

    public static void Release(IPkcs11Library library)
    {
        lock (Gate)
        {
            foreach ((string key, var entry) in Loaded)
            {
                if (!ReferenceEquals(entry.Library, library)) continue;
                if (entry.References > 1)
                {
                    Loaded[key] = (entry.Library, entry.References - 1);
                }
                else
                {
                    Loaded.Remove(key);
                    library.Dispose();
                }
                return;
            }
        }
    }
}
