using System.Text.Json.Serialization;

namespace Lockbox.Cli.Output.Json;

/// <summary>
/// One line of <c>--json</c> output: a JSON object whose first field, <c>messageType</c>, says what it is (as restic's
/// <c>message_type</c>): <c>status</c> (progress), <c>snapshot</c>, <c>file</c>, <c>change</c>, <c>summary</c> (the final
/// result) on standard output; <c>info</c>, <c>warning</c> and <c>error</c> on standard error. Field names are camelCase in
/// every command; a snapshot is always <c>snapshotId</c>. README.md ("Scripting") documents every message.
/// </summary>
internal abstract record JsonMessage([property: JsonPropertyOrder(-1)] string MessageType);

/// <summary>Progress of a long operation, at most at each new phase and every tenth of it.</summary>
/// <param name="Action">The command's verb: <c>backup</c>, <c>restore</c>, <c>import</c>, <c>verify</c>.</param>
/// <param name="Phase">The engine's phase (<c>database</c>, <c>backup</c>, <c>restore</c>, <c>messages</c>, <c>finish</c>, ...).</param>
/// <param name="BytesDone">Bytes done in this phase; with <paramref name="BytesTotal"/> 0 the phase has no measure (a step).</param>
/// <param name="PercentDone">0 to 100; null for a step without a measure.</param>
/// <param name="SecondsRemaining">Estimated, once a rate is known; otherwise null.</param>
/// <param name="FilesDone">Files read whole (backup) or written whole (restore) so far; null where not counted (verify).</param>
/// <param name="FilesTotal">Files the operation handles (media and database); null where not counted.</param>
internal sealed record StatusMessage(string Action, string Phase, long BytesDone, long BytesTotal, double? PercentDone,
    double SecondsElapsed, double? SecondsRemaining, int? FilesDone, int? FilesTotal) : JsonMessage("status");

/// <summary>A failure: <paramref name="Code"/> is the exit code, <paramref name="Message"/> the same line the text form prints.</summary>
internal sealed record ErrorMessage(int Code, string Message) : JsonMessage("error");

/// <summary>A step (<c>info</c>) or a <c>warning</c>, as the text form's "lockbox: ..." lines on standard error.</summary>
internal sealed record NoteMessage(string Type, string Message) : JsonMessage(Type);

/// <summary>-v's detail lines: a media file added or changed, database pages changed, a file restored.</summary>
/// <param name="Action">What happened: <c>added</c>, <c>changed</c>, <c>removed</c> (backup), <c>restored</c> (restore).</param>
internal sealed record VerboseMessage(string Action, string Path, long Size, long? Pages) : JsonMessage("verbose");
