namespace Lockbox.Opaque.Internal;

/// <summary>
/// Test-only window onto named intermediates (the RFC vectors' "intermediates"): set through an internal
/// property, never in production, so field-by-field vector tests run the real code path.
/// </summary>
internal delegate void OpaqueTrace(string name, ReadOnlySpan<byte> value);
