using Lockbox.Repository.Storage;

namespace Lockbox.Repository.Tests;

/// <summary>
/// The folder store's create-if-absent (and so its lock) rests on one exclusive move: six threads released at once
/// onto one name, many times over, must each time leave exactly one winner, the winner's bytes in place and every
/// loser's file untouched where it was.
/// </summary>
public sealed class ExclusiveMoveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lockbox-move-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void OfSixMoversReleasedAtOnceExactlyOneWinsEveryTime()
    {
        const int movers = 6;
        for (int round = 0; round < 300; round++)
        {
            string target = Path.Combine(_dir, $"lock-{round}");
            string[] sources = Enumerable.Range(0, movers).Select(i =>
            {
                string path = Path.Combine(_dir, $"{round}-{i}.tmp");
                File.WriteAllBytes(path, [(byte)i, (byte)round]);
                return path;
            }).ToArray();
            var won = new bool[movers];
            using var start = new Barrier(movers);
            Thread[] threads = Enumerable.Range(0, movers).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                won[i] = ExclusiveMove.TryMove(sources[i], target);
            })).ToArray();
            foreach (Thread t in threads) t.Start();
            foreach (Thread t in threads) t.Join();

            Assert.True(won.Count(w => w) == 1, $"round {round}: {won.Count(w => w)} of {movers} movers were told they won");
            int winner = Array.IndexOf(won, true);
            Assert.Equal(new[] { (byte)winner, (byte)round }, File.ReadAllBytes(target));
            for (int i = 0; i < movers; i++)
            {
                Assert.Equal(i != winner, File.Exists(sources[i]));
            }
        }
    }

    [Fact]
    public void AMoveOntoAnExistingFileLeavesBothAlone()
    {
        string target = Path.Combine(_dir, "config");
        string source = Path.Combine(_dir, "new.tmp");
        File.WriteAllBytes(target, [1]);
        File.WriteAllBytes(source, [2]);

        Assert.False(ExclusiveMove.TryMove(source, target));
        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(target));
        Assert.Equal(new byte[] { 2 }, File.ReadAllBytes(source));
    }

    [Fact]
    public void AMoveIntoAMissingFolderSaysWhy()
    {
        string source = Path.Combine(_dir, "new.tmp");
        File.WriteAllBytes(source, [2]);

        var e = Assert.Throws<IOException>(() => ExclusiveMove.TryMove(source, Path.Combine(_dir, "no-such-folder", "x")));
        Assert.Contains("No such file or directory", e.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(source));
    }
}
