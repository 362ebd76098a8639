using Lockbox.Fuzz;

// lockbox-fuzz TARGET                 run TARGET under afl-fuzz (persistent mode; input on stdin)
// lockbox-fuzz --run TARGET FILE...   run TARGET once per file and say which input failed and how (repro)
// lockbox-fuzz --make-seeds DIR       write every target's seeds to DIR/<target>/
// lockbox-fuzz --list                 the targets and what each allows
const string Usage = "usage: Lockbox.Fuzz TARGET | --run TARGET FILE... | --make-seeds DIR | --list";

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

switch (args[0])
{
    case "--list":
        foreach (IFuzzTarget t in FuzzTargets.All) Console.WriteLine($"{t.Name}\t{t.Allows}");
        return 0;
    case "--make-seeds" when args.Length == 2:
        return Seeds.Write(args[1]);
    case "--run" when args.Length >= 3:
        return FindOrFail(args[1]) is { } runTarget ? Repro.Run(runTarget, args[2..]) : 2;
    default:
        if (args.Length != 1 || FindOrFail(args[0]) is not { } target) return 2;
        AflLoop.Run(target);
        return 0;
}

static IFuzzTarget? FindOrFail(string name)
{
    IFuzzTarget? target = FuzzTargets.Find(name);
    if (target is null)
        Console.Error.WriteLine($"unknown target '{name}'; targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
    return target;
}
