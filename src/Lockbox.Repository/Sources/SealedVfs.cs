using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lockbox.Repository.Sources;

/// <summary>
/// The SQLite VFS "lockbox-sealed": a shim over the process's default VFS ("unix" on Linux and macOS) whose files are
/// <see cref="SealedFile"/>s, encrypted record by record (<see cref="SealedRecords"/>). It opens only the main database
/// files that <see cref="SqliteSnapshot"/> registered beforehand (by file name); journals, WAL, shared memory, temporary
/// files and every other name are refused with SQLITE_CANTOPEN, so no plaintext page can reach the disk through it.
/// </summary>
/// <remarks>
/// <para>Struct layouts follow sqlite3.h of SQLite 3.53 (the e_sqlite3 that SQLitePCLRaw 3.0 bundles), which have not
/// changed since the versions named: <c>sqlite3_vfs</c> version 2 (3.7.0; the version 3 system-call slots are left
/// null), <c>sqlite3_file</c> (one pointer: <c>pMethods</c>), <c>sqlite3_io_methods</c> version 1 (no shared memory
/// and no memory mapping, so SQLite can use neither on these files: WAL mode is refused rather than written in the
/// clear). Fields are in declaration order with C's natural alignment on 64- and 32-bit targets
/// (<see cref="LayoutKind.Sequential"/>); every callback is cdecl.</para>
/// <para>Lifetimes: the VFS struct, its name and the methods table are allocated once in native memory and never freed
/// (SQLite keeps the VFS registered for the process). Our <c>sqlite3_file</c> is <see cref="FileBlock"/>: the methods
/// pointer, then a <see cref="GCHandle"/> (normal, not pinned) to the managed <see cref="SealedFile"/>, then the inner
/// VFS's own file struct. The handle is made by xOpen and freed by xClose, which SQLite calls exactly once for every
/// successful open. Managed buffers are pinned only for the duration of one call into the inner VFS.</para>
/// <para>No exception crosses into SQLite: every callback catches and answers with an SQLITE_IOERR_* code.</para>
/// </remarks>
internal static unsafe partial class SealedVfs
{
    public const string Name = "lockbox-sealed";

    public const int SQLITE_OK = 0;
    public const int SQLITE_IOERR = 10;
    public const int SQLITE_NOTFOUND = 12;
    public const int SQLITE_CANTOPEN = 14;
    public const int SQLITE_IOERR_READ = SQLITE_IOERR | (1 << 8);
    public const int SQLITE_IOERR_SHORT_READ = SQLITE_IOERR | (2 << 8);
    public const int SQLITE_IOERR_WRITE = SQLITE_IOERR | (3 << 8);
    public const int SQLITE_IOERR_TRUNCATE = SQLITE_IOERR | (6 << 8);
    public const int SQLITE_IOERR_FSTAT = SQLITE_IOERR | (7 << 8);
    public const int SQLITE_IOERR_CLOSE = SQLITE_IOERR | (16 << 8);
    /// <summary>"A checksum failed": a sealed record did not authenticate (sqlite3.h, 3.32).</summary>
    public const int SQLITE_IOERR_DATA = SQLITE_IOERR | (32 << 8);
    private const int SQLITE_OPEN_MAIN_DB = 0x100;
    private const int SQLITE_FCNTL_SIZE_HINT = 5;
    private const int SQLITE_FCNTL_CHUNK_SIZE = 6;
    private const int SQLITE_FCNTL_MMAP_SIZE = 18;
    private const int SQLITE_FCNTL_BEGIN_ATOMIC_WRITE = 31;
    private const int SQLITE_FCNTL_ROLLBACK_ATOMIC_WRITE = 33;

    private static readonly Lock Gate = new();
    private static readonly ConcurrentDictionary<string, SealedFile> Files = new(StringComparer.Ordinal);
    private static Sqlite3Vfs* s_inner;
    private static Sqlite3IoMethods* s_methods;
    private static bool s_registered;

    /// <summary>Registers the VFS with the SQLite that Microsoft.Data.Sqlite loaded (once per process).</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (s_registered) return;
            Sqlite3Vfs* inner = sqlite3_vfs_find(null);
            if (inner == null) throw new InvalidOperationException("SQLite has no default VFS.");
            s_inner = inner;

            var methods = (Sqlite3IoMethods*)NativeMemory.AllocZeroed((nuint)sizeof(Sqlite3IoMethods));
            methods->iVersion = 1;
            methods->xClose = &Close;
            methods->xRead = &Read;
            methods->xWrite = &Write;
            methods->xTruncate = &Truncate;
            methods->xSync = &Sync;
            methods->xFileSize = &FileSize;
            methods->xLock = &Lock;
            methods->xUnlock = &Unlock;
            methods->xCheckReservedLock = &CheckReservedLock;
            methods->xFileControl = &FileControl;
            methods->xSectorSize = &SectorSize;
            methods->xDeviceCharacteristics = &DeviceCharacteristics;
            s_methods = methods;

            byte[] name = [.. System.Text.Encoding.ASCII.GetBytes(Name), 0];
            var zName = (byte*)NativeMemory.Alloc((nuint)name.Length);
            name.CopyTo(new Span<byte>(zName, name.Length));

            var vfs = (Sqlite3Vfs*)NativeMemory.AllocZeroed((nuint)sizeof(Sqlite3Vfs));
            vfs->iVersion = 2;
            vfs->szOsFile = sizeof(FileBlock) + inner->szOsFile;
            vfs->mxPathname = inner->mxPathname;
            vfs->zName = zName;
            vfs->xOpen = &Open;
            vfs->xDelete = &Delete;
            vfs->xAccess = &Access;
            vfs->xFullPathname = &FullPathname;
            vfs->xDlOpen = &DlOpen;
            vfs->xDlError = &DlError;
            vfs->xDlSym = &DlSym;
            vfs->xDlClose = &DlClose;
            vfs->xRandomness = &Randomness;
            vfs->xSleep = &Sleep;
            vfs->xCurrentTime = &CurrentTime;
            vfs->xGetLastError = &GetLastError;
            vfs->xCurrentTimeInt64 = inner->iVersion >= 2 ? &CurrentTimeInt64 : null;
            int rc = sqlite3_vfs_register(vfs, 0);
            if (rc != SQLITE_OK) throw new InvalidOperationException($"SQLite refused to register the {Name} VFS (error {rc}).");
            s_registered = true;
        }
    }

    /// <summary>Lets the VFS open <paramref name="file"/> (by its file name, which carries a random part).</summary>
    public static void Add(SealedFile file)
    {
        if (!Files.TryAdd(file.Name, file)) throw new InvalidOperationException("A sealed file of that name is already registered.");
    }

    public static void Remove(SealedFile file) => Files.TryRemove(new KeyValuePair<string, SealedFile>(file.Name, file));

    private static FileBlock* Block(Sqlite3File* file) => (FileBlock*)file;
    private static Sqlite3File* InnerOf(Sqlite3File* file) => (Sqlite3File*)((byte*)file + sizeof(FileBlock));
    private static SealedFile Managed(Sqlite3File* file) => (SealedFile)GCHandle.FromIntPtr(Block(file)->Handle).Target!;

    // ---- sqlite3_vfs methods -------------------------------------------------------------------------------------

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Open(Sqlite3Vfs* vfs, byte* zName, Sqlite3File* file, int flags, int* outFlags)
    {
        file->pMethods = null;
        Sqlite3File* inner = InnerOf(file);
        SealedFile? sealedFile = null;
        try
        {
            if (zName == null || (flags & SQLITE_OPEN_MAIN_DB) == 0) return SQLITE_CANTOPEN;
            string name = Path.GetFileName(Marshal.PtrToStringUTF8((nint)zName) ?? "");
            if (!Files.TryGetValue(name, out sealedFile) || !sealedFile.TryReserve()) return SQLITE_CANTOPEN;
            inner->pMethods = null;
            int rc = s_inner->xOpen(s_inner, zName, inner, flags, outFlags);
            if (rc != SQLITE_OK)
            {
                if (inner->pMethods != null) inner->pMethods->xClose(inner);
                sealedFile.Release();
                return rc;
            }
            long size;
            rc = inner->pMethods->xFileSize(inner, &size);
            if (rc != SQLITE_OK || size != 0)
            {
                // Only fresh, empty files are sealed copies: anything else would be read as if it were one.
                inner->pMethods->xClose(inner);
                sealedFile.Release();
                return SQLITE_CANTOPEN;
            }
            sealedFile.Attach(new InnerFile(inner));
            Block(file)->Handle = GCHandle.ToIntPtr(GCHandle.Alloc(sealedFile));
            file->pMethods = s_methods;
            return SQLITE_OK;
        }
        catch (Exception)
        {
            sealedFile?.Release();
            return SQLITE_CANTOPEN;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Delete(Sqlite3Vfs* vfs, byte* zName, int syncDir) => s_inner->xDelete(s_inner, zName, syncDir);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Access(Sqlite3Vfs* vfs, byte* zName, int flags, int* result) => s_inner->xAccess(s_inner, zName, flags, result);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FullPathname(Sqlite3Vfs* vfs, byte* zName, int nOut, byte* zOut) => s_inner->xFullPathname(s_inner, zName, nOut, zOut);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void* DlOpen(Sqlite3Vfs* vfs, byte* zFilename) => s_inner->xDlOpen(s_inner, zFilename);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void DlError(Sqlite3Vfs* vfs, int nByte, byte* zErrMsg) => s_inner->xDlError(s_inner, nByte, zErrMsg);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void* DlSym(Sqlite3Vfs* vfs, void* handle, byte* zSymbol) => s_inner->xDlSym(s_inner, handle, zSymbol);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void DlClose(Sqlite3Vfs* vfs, void* handle) => s_inner->xDlClose(s_inner, handle);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Randomness(Sqlite3Vfs* vfs, int nByte, byte* zOut) => s_inner->xRandomness(s_inner, nByte, zOut);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Sleep(Sqlite3Vfs* vfs, int microseconds) => s_inner->xSleep(s_inner, microseconds);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int CurrentTime(Sqlite3Vfs* vfs, double* now) => s_inner->xCurrentTime(s_inner, now);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetLastError(Sqlite3Vfs* vfs, int nByte, byte* zOut) => s_inner->xGetLastError(s_inner, nByte, zOut);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int CurrentTimeInt64(Sqlite3Vfs* vfs, long* now) => s_inner->xCurrentTimeInt64(s_inner, now);

    // ---- sqlite3_io_methods (version 1) --------------------------------------------------------------------------

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Close(Sqlite3File* file)
    {
        Sqlite3File* inner = InnerOf(file);
        int rc = inner->pMethods->xClose(inner);
        try
        {
            var handle = GCHandle.FromIntPtr(Block(file)->Handle);
            ((SealedFile)handle.Target!).Detach();
            handle.Free();
            Block(file)->Handle = 0;
        }
        catch (Exception)
        {
            return SQLITE_IOERR_CLOSE;
        }
        return rc;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Read(Sqlite3File* file, void* buffer, int amount, long offset)
    {
        try
        {
            return Managed(file).Read(new Span<byte>(buffer, amount), offset);
        }
        catch (Exception)
        {
            return SQLITE_IOERR_READ;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Write(Sqlite3File* file, void* buffer, int amount, long offset)
    {
        try
        {
            return Managed(file).Write(new ReadOnlySpan<byte>(buffer, amount), offset);
        }
        catch (Exception)
        {
            return SQLITE_IOERR_WRITE;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Truncate(Sqlite3File* file, long size)
    {
        try
        {
            return Managed(file).Truncate(size);
        }
        catch (Exception)
        {
            return SQLITE_IOERR_TRUNCATE;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Sync(Sqlite3File* file, int flags) => InnerOf(file)->pMethods->xSync(InnerOf(file), flags);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FileSize(Sqlite3File* file, long* size)
    {
        try
        {
            *size = Managed(file).Length;
            return SQLITE_OK;
        }
        catch (Exception)
        {
            return SQLITE_IOERR_FSTAT;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Lock(Sqlite3File* file, int level) => InnerOf(file)->pMethods->xLock(InnerOf(file), level);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Unlock(Sqlite3File* file, int level) => InnerOf(file)->pMethods->xUnlock(InnerOf(file), level);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int CheckReservedLock(Sqlite3File* file, int* result) => InnerOf(file)->pMethods->xCheckReservedLock(InnerOf(file), result);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FileControl(Sqlite3File* file, int op, void* arg)
    {
        switch (op)
        {
            // Size hints and chunks speak of plaintext bytes: passed on, the inner file would grow to the wrong size.
            case SQLITE_FCNTL_SIZE_HINT or SQLITE_FCNTL_CHUNK_SIZE:
                return SQLITE_OK;
            // No memory mapping and no atomic batch writes: every byte goes through Read and Write.
            case SQLITE_FCNTL_MMAP_SIZE or >= SQLITE_FCNTL_BEGIN_ATOMIC_WRITE and <= SQLITE_FCNTL_ROLLBACK_ATOMIC_WRITE:
                return SQLITE_NOTFOUND;
            default:
                return InnerOf(file)->pMethods->xFileControl(InnerOf(file), op, arg);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int SectorSize(Sqlite3File* file) => InnerOf(file)->pMethods->xSectorSize(InnerOf(file));

    /// <summary>None: a sealed write is a read-modify-write of whole records, never atomic or power-safe by itself.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int DeviceCharacteristics(Sqlite3File* file) => 0;

    // ---- native ----------------------------------------------------------------------------------------------------

    /// <summary>The library SQLitePCLRaw's e_sqlite3 provider binds to (its DllImport name): the same loaded module, so
    /// the VFS is registered in the SQLite that Microsoft.Data.Sqlite uses (checked: opening with this VFS's name fails otherwise).</summary>
    private const string Library = "e_sqlite3";

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial Sqlite3Vfs* sqlite3_vfs_find(byte* zVfsName);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int sqlite3_vfs_register(Sqlite3Vfs* vfs, int makeDefault);

    /// <summary>Our <c>sqlite3_file</c> subclass; the inner VFS's file struct follows it, at 16 bytes on every target (8-byte aligned for its 64-bit fields).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 16)]
    private struct FileBlock
    {
        public Sqlite3File Base;
        public nint Handle;
    }

    /// <summary>The inner VFS's open file, as <see cref="SealedFile"/> uses it: positional reads and writes of sealed bytes.</summary>
    internal readonly struct InnerFile
    {
        private readonly Sqlite3File* _file;

        public InnerFile(Sqlite3File* file) => _file = file;

        /// <summary>SQLITE_OK, SQLITE_IOERR_SHORT_READ (the rest zero-filled) or another error.</summary>
        public int Read(Span<byte> into, long offset)
        {
            fixed (byte* p = into) return _file->pMethods->xRead(_file, p, into.Length, offset);
        }

        public int Write(ReadOnlySpan<byte> data, long offset)
        {
            fixed (byte* p = data) return _file->pMethods->xWrite(_file, p, data.Length, offset);
        }

        public int Truncate(long size) => _file->pMethods->xTruncate(_file, size);
    }
}

/// <summary><c>struct sqlite3_file</c> (sqlite3.h): the methods pointer, then the VFS's own fields.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Sqlite3File
{
    public Sqlite3IoMethods* pMethods;
}

/// <summary><c>struct sqlite3_io_methods</c> (sqlite3.h, SQLite 3.53), all three versions' slots; ours fills version 1.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Sqlite3IoMethods
{
    public int iVersion;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, int> xClose;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, void*, int, long, int> xRead;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, void*, int, long, int> xWrite;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, long, int> xTruncate;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, int, int> xSync;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, long*, int> xFileSize;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, int, int> xLock;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, int, int> xUnlock;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, int*, int> xCheckReservedLock;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, int, void*, int> xFileControl;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, int> xSectorSize;
    public delegate* unmanaged[Cdecl]<Sqlite3File*, int> xDeviceCharacteristics;
    // version 2
    public void* xShmMap;
    public void* xShmLock;
    public void* xShmBarrier;
    public void* xShmUnmap;
    // version 3
    public void* xFetch;
    public void* xUnfetch;
}

/// <summary><c>struct sqlite3_vfs</c> (sqlite3.h, SQLite 3.53), through version 3's slots.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Sqlite3Vfs
{
    public int iVersion;
    public int szOsFile;
    public int mxPathname;
    public Sqlite3Vfs* pNext;
    public byte* zName;
    public void* pAppData;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, byte*, Sqlite3File*, int, int*, int> xOpen;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, byte*, int, int> xDelete;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, byte*, int, int*, int> xAccess;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, byte*, int, byte*, int> xFullPathname;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, byte*, void*> xDlOpen;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, int, byte*, void> xDlError;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, void*, byte*, void*> xDlSym;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, void*, void> xDlClose;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, int, byte*, int> xRandomness;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, int, int> xSleep;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, double*, int> xCurrentTime;
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, int, byte*, int> xGetLastError;
    // version 2
    public delegate* unmanaged[Cdecl]<Sqlite3Vfs*, long*, int> xCurrentTimeInt64;
    // version 3
    public void* xSetSystemCall;
    public void* xGetSystemCall;
    public void* xNextSystemCall;
}
