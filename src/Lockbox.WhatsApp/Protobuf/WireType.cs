namespace Lockbox.WhatsApp.Protobuf;

/// <summary>Protobuf wire types (protobuf.dev, "Encoding": message structure).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}
