using Lockbox.Vault.Core;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Lockbox.Vault.Hsm.Pkcs11;

/// <summary>
/// Logged-in sessions on one token, found by its label: what the HSM and the fleet ceremony steps share.
/// Every failure an operator can cause (no library, no such token, a wrong PIN) is one <see cref="VaultConfigurationException"/> line.
/// </summary>
internal sealed class Pkcs11Token : IDisposable
{
    private bool _released;

    private Pkcs11Token(Pkcs11InteropFactories factories, IPkcs11Library library, List<ISession> sessions, string label)
    {
        Factories = factories;
        Library = library;
        Sessions = sessions;
        Label = label;
    }

    public Pkcs11InteropFactories Factories { get; }

    public IPkcs11Library Library { get; }

    /// <summary>Open read-write sessions; the first one logged the application in.</summary>
    public List<ISession> Sessions { get; }

    public ISession Session => Sessions[0];

    public string Label { get; }

    public static Pkcs11Token Open(Pkcs11HsmOptions options, int sessions)
    {
        ArgumentNullException.ThrowIfNull(options);
        NativeLibraryMap.Install();
        if (!File.Exists(options.LibraryPath)) throw new VaultConfigurationException($"PKCS#11 library {options.LibraryPath} does not exist.");
        var factories = new Pkcs11InteropFactories();
        IPkcs11Library library;
        try
        {
            library = LoadedLibraries.Acquire(factories, options.LibraryPath);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException)
        {
            throw new VaultConfigurationException($"Cannot load PKCS#11 library {options.LibraryPath}: {e.Message}", e);
        }
        var open = new List<ISession>();
        try
        {
            ISlot slot = library.GetSlotList(SlotsType.WithTokenPresent)
                .FirstOrDefault(s => s.GetTokenInfo().Label.Trim() == options.TokenLabel)
                ?? throw new VaultConfigurationException($"No PKCS#11 token labelled '{options.TokenLabel}' in {options.LibraryPath}.");
            for (int i = 0; i < Math.Max(1, sessions); i++) open.Add(slot.OpenSession(SessionType.ReadWrite));
            try
            {
                open[0].Login(CKU.CKU_USER, options.Pin);
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE)
            {
                throw new VaultConfigurationException($"The PIN for token '{options.TokenLabel}' is wrong.", e);
            }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
                // Another user of this token in this process already logged the application in.
            }
            return new Pkcs11Token(factories, library, open, options.TokenLabel);
        }
        catch
        {
            foreach (ISession s in open) s.Dispose();
            LoadedLibraries.Release(library);
            throw;
        }
    }

    public IObjectAttribute Attribute(CKA type, bool value) => Factories.ObjectAttributeFactory.Create(type, value);

    public IObjectAttribute Attribute(CKA type, string value) => Factories.ObjectAttributeFactory.Create(type, value);

    public IObjectAttribute Attribute(CKA type, byte[] value) => Factories.ObjectAttributeFactory.Create(type, value);

    public IObjectAttribute Attribute(CKA type, ulong value) => Factories.ObjectAttributeFactory.Create(type, value);

    public IObjectAttribute Attribute(CKA type, CKO value) => Factories.ObjectAttributeFactory.Create(type, value);

    public IObjectAttribute Attribute(CKA type, CKK value) => Factories.ObjectAttributeFactory.Create(type, value);

    /// <summary>The one object of <paramref name="kind"/> labelled <paramref name="label"/>, or null; more than one is a broken token.</summary>
    public IObjectHandle? Find(CKO kind, string label)
    {
        List<IObjectHandle> found = Session.FindAllObjects([Attribute(CKA.CKA_CLASS, kind), Attribute(CKA.CKA_LABEL, label)]);
        if (found.Count > 1) throw new VaultConfigurationException($"Token '{Label}' holds {found.Count} objects labelled {label}; expected one.");
        return found.Count == 1 ? found[0] : null;
    }

    /// <summary>Hands the sessions to their new owner (the HSM); this object then releases nothing.</summary>
    public void Transfer() => _released = true;

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        foreach (ISession s in Sessions) s.Dispose();
        LoadedLibraries.Release(Library);
    }
}
