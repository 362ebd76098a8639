using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Lockbox.Opaque.Tests")]
[assembly: InternalsVisibleTo("Lockbox.Benchmarks")]
[assembly: InternalsVisibleTo("Lockbox.Fuzz")]
