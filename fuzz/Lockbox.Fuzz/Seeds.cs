namespace Lockbox.Fuzz;

/// <summary>Writes the seed corpus (fuzz/corpus/&lt;target&gt;/) from objects made by Lockbox's own writers.</summary>
internal static class Seeds
{
    public static int Write(string directory)
    {
        foreach (IFuzzTarget target in FuzzTargets.All)
        {
            string folder = Path.Combine(directory, target.Name);
            Directory.CreateDirectory(folder);
            int count = 0;
            long bytes = 0;
            foreach ((string name, byte[] data) in target.Seeds())
            {
                File.WriteAllBytes(Path.Combine(folder, name), data);
                count++;
                bytes += data.Length;
            }
            Console.WriteLine($"{target.Name}: {count} seeds, {bytes} bytes");
        }
        return 0;
    }
}
