namespace Lockbox.Fuzz;

/// <summary>Runs a target once per file, outside afl-fuzz, and prints the exception a crashing input raises.</summary>
internal static class Repro
{
    public static int Run(IFuzzTarget target, IEnumerable<string> files)
    {
        int crashes = 0;
        foreach (string file in files)
        {
            byte[] data = File.ReadAllBytes(file);
            try
            {
                target.Run(data);
                Console.WriteLine($"ok     {file}");
            }
#pragma warning disable CA1031 // a repro tool reports every exception, whatever its type
            catch (Exception e)
#pragma warning restore CA1031
            {
                crashes++;
                Console.WriteLine($"CRASH  {file}");
                Console.WriteLine(e);
            }
        }
        return crashes == 0 ? 0 : 1;
    }
}
