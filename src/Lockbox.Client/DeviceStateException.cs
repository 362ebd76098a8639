namespace Lockbox.Client;

/// <summary>The device state directory cannot be read or written, or one of its files is damaged.</summary>
public sealed class DeviceStateException : LockboxClientException
{
    public DeviceStateException(string message) : base(message) { }
    public DeviceStateException(string message, Exception innerException) : base(message, innerException) { }
}
