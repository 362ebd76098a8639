using SharpFuzz;

namespace Lockbox.Fuzz;

/// <summary>
/// Hands a target to SharpFuzz's AFL persistent loop: afl-fuzz writes each input to our stdin, SharpFuzz
/// records the edges the instrumented Lockbox assemblies take and reports an escaping exception as a crash.
/// </summary>
internal static class AflLoop
{
    /// <summary>Inputs above this size are cut: every Lockbox parser meets its limits well below it.</summary>
    private const int MaxInput = 1 << 20;

    public static void Run(IFuzzTarget target)
    {
        byte[] buffer = new byte[MaxInput];
        Fuzzer.Run(stream =>
        {
            int length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
                length += read;
            target.Run(buffer.AsSpan(0, length));
        });
    }
}
