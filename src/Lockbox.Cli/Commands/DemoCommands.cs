using System.CommandLine;
using System.Diagnostics;
using Lockbox.Cli.Demo;
using Lockbox.Cli.Output;
using Lockbox.Client;

namespace Lockbox.Cli.Commands;

/// <summary>
/// <c>lockbox demo</c> (the whole backup-and-restore story), plus <c>demo generate</c> and
/// <c>demo next-day</c>, the chat generator that benchmarks/compare.sh uses.
/// </summary>
internal static class DemoCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        var messages = new Option<long>("--messages") { Description = "Messages to generate", DefaultValueFactory = _ => ChatSpec.Demo.Messages };
        var mediaMib = new Option<int>("--media-mib") { Description = "MiB of media to generate", DefaultValueFactory = _ => (int)(ChatSpec.Demo.MediaBytes >> 20) };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the generated chat", DefaultValueFactory = _ => ChatSpec.Demo.Seed };
        var keep = new Option<string?>("--keep") { Description = "Work in this (empty or new) folder and keep it, instead of a temporary folder" };
        var only = new Option<string?>("--only") { Description = "Run only one key mode: password or digits (default: password mode, then the 64-digit key)" };
        only.AcceptOnlyFromAmong("password", "digits");
        var argon2 = new Option<string?>("--argon2") { Description = $"Argon2id preset for password mode: {Lockbox.Client.Vault.KeyStretchingPresets.Syntax}; default demo (t=1, m=8 MiB, p=1)" };
        var demo = new Command("demo", "Generate a chat, back it up (password mode through an embedded key vault, then the 64-digit key), restore it on a \"new device\" and check it matches")
        {
            messages, mediaMib, seed, keep, only, argon2, Generate(context), NextDayCommand(context),
        };
        demo.SetAction(async (parse, ct) =>
        {
            ChatSpec spec = ChatSpec.Demo with
            {
                Messages = Math.Max(1, parse.GetValue(messages)),
                MediaBytes = (long)Math.Max(0, parse.GetValue(mediaMib)) << 20,
                Seed = parse.GetValue(seed),
            };
            if (!Lockbox.Client.Vault.KeyStretchingPresets.TryParse(parse.GetValue(argon2) ?? "demo", out var stretching, out string? argonError))
                throw new CliException(ExitCodes.Usage, argonError!);
            string? keepRoot = parse.GetValue(keep);
            string? modeOnly = parse.GetValue(only);
            int code = ExitCodes.Success;
            if (modeOnly is null or "password")
            {
                string? keepDir = keepRoot is null ? null : modeOnly is null ? Path.Combine(keepRoot, "password") : keepRoot;
                code = await new DemoRunner(context, spec, DemoKeyMode.Password, keepDir, stretching).RunAsync(ct).ConfigureAwait(false);
                if (code != ExitCodes.Success) return code;
            }
            if (modeOnly is null or "digits")
            {
                string? keepDir = keepRoot is null ? null : modeOnly is null ? Path.Combine(keepRoot, "digits") : keepRoot;
                code = await new DemoRunner(context, spec, DemoKeyMode.Digits, keepDir).RunAsync(ct).ConfigureAwait(false);
            }
            return code;
        });
        yield return demo;
    }

    private static Command Generate(CliContext context)
    {
        var to = new Option<string>("--to") { Description = "Empty folder to write msgstore.db and Media/ into", Required = true };
        var size = new Option<string?>("--size") { Description = "Total size, half database and half media (e.g. 200MB = 200,000,000 bytes, 1GiB); default: the demo's chat" };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the generated chat", DefaultValueFactory = _ => ChatSpec.Demo.Seed };
        var generate = new Command("generate", "Write a realistic chat (database + media) without backing it up") { to, size, seed };
        generate.SetAction((parse, ct) =>
        {
            ChatSpec spec = ChatSpec.Demo with { Seed = parse.GetValue(seed) };
            string? sizeText = parse.GetValue(size);
            if (sizeText is not null)
            {
                if (!ByteSize.TryParse(sizeText, out long bytes))
                    throw new CliException(ExitCodes.Usage, $"--size '{sizeText}' is not a size such as 200MB or 1GiB ({ByteSize.Syntax}).");
                spec = ChatSpec.OfSize(bytes, parse.GetValue(seed));
            }
            var clock = Stopwatch.StartNew();
            GeneratedChat chat = ChatGenerator.Generate(Path.GetFullPath(parse.GetRequiredValue(to)), spec, ct);
            context.Out.WriteLine($"Generated {chat.DatabasePath} ({chat.Messages:N0} messages, {Units.Bytes(chat.DatabaseBytes)}) and {chat.MediaDirectory} " +
                $"({chat.MediaFiles} files, {chat.DistinctMedia} distinct, {Units.Bytes(chat.MediaBytes)}) in {Units.Duration(clock.Elapsed)}.");
            return Task.FromResult(ExitCodes.Success);
        });
        return generate;
    }

    private static Command NextDayCommand(CliContext context)
    {
        var db = new Option<string>("--db") { Description = "A database written by 'demo generate'", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the day's messages", DefaultValueFactory = _ => ChatSpec.Demo.Seed + 1 };
        var edits = new Option<int>("--edits") { Description = "Scattered rows to edit", DefaultValueFactory = _ => 300 };
        var nextDay = new Command("next-day", "Apply a day of chatting: ~1% new messages and a few hundred scattered edits") { db, seed, edits };
        nextDay.SetAction(parse =>
        {
            (long added, int edited) = NextDay.Apply(Path.GetFullPath(parse.GetRequiredValue(db)), parse.GetValue(seed), 0.01, parse.GetValue(edits));
            context.Out.WriteLine($"Added {added:N0} messages and edited {edited} rows.");
            return ExitCodes.Success;
        });
        return nextDay;
    }
}
