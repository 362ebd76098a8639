using System.Text;

namespace Lockbox.Cli.Tests.Support;

/// <summary>Calls an action for every line written: lets a test react to progress lines (e.g. press Ctrl-C).</summary>
internal sealed class ObservingWriter(Action<string> onLine) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) { }

    public override void WriteLine(string? value) => onLine(value ?? "");
}
