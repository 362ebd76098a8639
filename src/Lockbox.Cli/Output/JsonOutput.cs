using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lockbox.Cli.Output;

/// <summary>Writes one JSON document (the <c>--json</c> form of a command's result) to a writer.</summary>
internal static class JsonOutput
{
    public static void Write(TextWriter writer, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body(json);
        }
        writer.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
