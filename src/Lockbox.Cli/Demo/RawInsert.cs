using SQLitePCL;

namespace Lockbox.Cli.Demo;

/// <summary>
/// One INSERT prepared once on the connection's native handle and reused for every row: bound by position, stepped,
/// reset. Microsoft.Data.Sqlite's command looks each parameter up by name and opens a data reader per execution, which
/// cost more than SQLite's own insert when the generator writes millions of rows (issue 12's profile).
/// </summary>
internal sealed class RawInsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawInsert(sqlite3 db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
    }

    public RawInsert Bind(int index, long value) { Check(raw.sqlite3_bind_int64(_statement, index, value)); return this; }

    public RawInsert Bind(int index, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));
        return this;
    }

    public RawInsert Bind(int index, long? value) => value is { } v ? Bind(index, v) : Bind(index, (string?)null);

    /// <summary>Inserts the bound row and returns its rowid.</summary>
    public long Run()
    {
        int rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE) throw new InvalidOperationException($"SQLite insert failed: {raw.sqlite3_errmsg(_db).utf8_to_string()}");
        return raw.sqlite3_last_insert_rowid(_db);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) throw new InvalidOperationException($"SQLite: {raw.sqlite3_errmsg(_db).utf8_to_string()}");
    }

    public void Dispose() => _statement.Dispose();
}
