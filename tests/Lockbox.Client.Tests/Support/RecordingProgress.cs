namespace Lockbox.Client.Tests.Support;

/// <summary>Records every progress report synchronously (no SynchronizationContext hop), and may act on each.</summary>
internal sealed class RecordingProgress<T>(Action<T>? onReport = null) : IProgress<T>
{
    private readonly List<T> _reports = [];

    public IReadOnlyList<T> Reports
    {
        get { lock (_reports) return _reports.ToList(); }
    }

    public void Report(T value)
    {
        lock (_reports) _reports.Add(value);
        onReport?.Invoke(value);
    }
}
