using System.Diagnostics;

namespace Lockbox.Repository.Locking;

/// <summary>What a lock needs to know about processes on this host: its own identity, and whether a holder still runs.</summary>
internal static class LocalProcess
{
    /// <summary>
    /// Start times are derived from the time since boot and the clock, so two readings of the same process can differ
    /// slightly; a process that reuses a dead holder's id starts later than that by far more.
    /// </summary>
    private const long StartTolerance = 2_000;

    /// <summary>This process's start time (unix ms), or 0 when the platform does not tell.</summary>
    public static long CurrentStartUnixMs()
    {
        using Process self = Process.GetCurrentProcess();
        return StartUnixMs(self);
    }

    /// <summary>
    /// True when process <paramref name="processId"/> runs on this host and, when <paramref name="startUnixMs"/> is known,
    /// is the process that started then (not a later one reusing the id). Errs on "running" when it cannot tell.
    /// </summary>
    public static bool IsRunning(uint processId, long startUnixMs)
    {
        if (processId == 0 || processId > int.MaxValue) return false;
        try
        {
            using Process process = Process.GetProcessById((int)processId);
            if (process.HasExited) return false;
            if (startUnixMs == 0) return true;
            long started = StartUnixMs(process);
            return started == 0 || Math.Abs(started - startUnixMs) <= StartTolerance;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false; // exited while we looked
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return true; // exists, but not ours to inspect
        }
        catch (NotSupportedException)
        {
            return true;
        }
    }

    private static long StartUnixMs(Process process)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return 0;
        }
    }
}
