using Lockbox.Opaque;

namespace Lockbox.Fuzz.Targets;

/// <summary>TryParse with its reason, as every OPAQUE message type offers it.</summary>
public delegate bool OpaqueTryParse(ReadOnlySpan<byte> data, out OpaqueMessage? message, out OpaqueError? error);

/// <summary>Parse, as every OPAQUE message type offers it.</summary>
public delegate OpaqueMessage OpaqueParse(ReadOnlySpan<byte> data);

/// <summary>One OPAQUE message type's two parsers.</summary>
public sealed record OpaqueMessageKind(string Name, OpaqueParse Parse, OpaqueTryParse TryParse);
