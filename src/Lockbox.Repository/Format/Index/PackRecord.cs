using Lockbox.Repository.Format.Pack;

namespace Lockbox.Repository.Format.Index;

/// <summary>A pack as the index knows it: id, stored length, and its header's entries.</summary>
internal sealed record PackRecord(BlobId Id, long Length, PackEntry[] Entries)
{
    public string Name => FormatConstants.PackName(Id);
}
