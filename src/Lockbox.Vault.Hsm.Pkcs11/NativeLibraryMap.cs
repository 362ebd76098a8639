using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Lockbox.Vault.Hsm.Pkcs11;

/// <summary>
/// Pkcs11Interop P/Invokes "libdl", which Debian 12 ships only as libdl.so.2: resolve it by hand, once.
/// </summary>
internal static class NativeLibraryMap
{
    private static readonly Lock Gate = new();
    private static bool _installed;

    public static void Install()
    {
        lock (Gate)
        {
            if (_installed) return;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // Another component of the process already installed a resolver for Pkcs11Interop.
            }
            _installed = true;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name is "libdl" or "libdl.so")
        {
            foreach (string candidate in (string[])["libdl.so.2", "libdl.so", "libc.so.6"])
                if (NativeLibrary.TryLoad(candidate, out IntPtr handle)) return handle;
        }
        return IntPtr.Zero;
    }
}
