// A tiny chat app that embeds Lockbox through the Lockbox.Client package alone (docs/SDK.md): it enables backups,
// backs up its own SQLite database and media on two nights, and restores them on a "new device" with the 64-digit key.
using ChatApp;
using Lockbox.Client;
using Lockbox.Repository;

string work = args.Length > 0 ? Path.GetFullPath(args[0]) : Directory.CreateTempSubdirectory("lockbox-chatapp-").FullName;
Directory.CreateDirectory(work);
string cloud = Path.Combine(work, "cloud");          // a folder stands in for the app's cloud store
var chat = new Chat(Path.Combine(work, "phone"));
chat.Write(0, 500);

// The phone: its device state in the app's private folder.
var phone = new LockboxClient(new LockboxClientOptions { State = new DeviceState(Path.Combine(work, "phone-lockbox")) });
InitResult created = await phone.CreateAsync(cloud);
Console.WriteLine($"backups enabled at {created.Address}; the user writes down the 64-digit key");

var progress = new Progress<BackupProgress>(_ => { });
SnapshotSummary first = (await phone.BackupAsync(cloud, new BackupSource(chat.Database, chat.Media, "phone"), progress)).Snapshot;
chat.Write(500, 20);
SnapshotSummary second = (await phone.BackupAsync(cloud, new BackupSource(chat.Database, chat.Media, "phone"), progress)).Snapshot;
Console.WriteLine($"night 1: snapshot #{first.Sequence}, {first.BytesAdded} bytes new; night 2: snapshot #{second.Sequence}, {second.BytesAdded} bytes new");

// The phone is lost: a new device with empty state and the key the user typed.
var newPhone = new LockboxClient(new LockboxClientOptions { State = new DeviceState(Path.Combine(work, "new-phone-lockbox")), KeyDigits = created.KeyDigits });
string restored = Path.Combine(work, "new-phone");
RestoreResult result = await newPhone.RestoreAsync(cloud, new RestoreOptions { TargetDirectory = restored });

List<string> before = Chat.Messages(chat.Database);
List<string> after = Chat.Messages(Path.Combine(restored, "chat.db"));
bool same = before.SequenceEqual(after) && result.MediaFiles == Directory.GetFiles(chat.Media).Length;
Console.WriteLine(same
    ? $"restored {after.Count} messages and {result.MediaFiles} media files on the new device: identical"
    : $"restore differs: {before.Count} messages before, {after.Count} after");
return same ? 0 : 1;
