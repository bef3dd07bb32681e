using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Shifo.Storage.Sqlite;

/// <summary>
/// Open read-only-use connections that keep the store's fixed read statements prepared between requests.
/// Microsoft.Data.Sqlite finalizes a command's statements when the command is disposed, so every read through its
/// own pool parsed and planned the SQL again and took the pool's lock on open (together about a tenth of a read's
/// CPU). Here a connection stays open with its commands; a read rents one, binds new values and returns it.
/// Reads see the latest commit: outside a transaction each statement takes its WAL snapshot when it starts and
/// releases it when its reader is disposed (the statement is reset). Never used for writes or write scopes.
/// </summary>
internal sealed class SqliteReadConnections(string connectionString, int maxIdle) : IDisposable
{
    private readonly ConcurrentBag<ReadConnection> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    public ReadConnection Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var idle))
        {
            Interlocked.Decrement(ref _idleCount);
            return idle;
        }
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            // pages straight from the memory-mapped file instead of a read() system call and a copy per page not in this
            // connection's cache (SQLite caps the size at its compile-time limit; only address space is reserved)
            pragma.CommandText = "PRAGMA mmap_size = 1073741824";
            pragma.ExecuteNonQuery();
        }
        return new ReadConnection(connection);
    }

    /// <summary>Back to the idle set, or closed when the set is full or the store is closing.</summary>
    public void Return(ReadConnection connection)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > maxIdle)
        {
            if (!_disposed) Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
            return;
        }
        _idle.Add(connection);
        // a Dispose that ran meanwhile may have missed this one
        if (_disposed && _idle.TryTake(out var late)) late.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection)) connection.Dispose();
    }
}

/// <summary>One open connection and its prepared commands, used by one reader at a time.</summary>
internal sealed class ReadConnection(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The prepared command for <paramref name="sql"/> with its parameters bound to <paramref name="parameters"/>.</summary>
    public SqliteCommand Bind(string sql, ReadOnlySpan<(string Name, object Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            command.Prepare();
            _commands.Add(sql, command);
            return command;
        }
        for (var i = 0; i < parameters.Length; i++) command.Parameters[i].Value = parameters[i].Value;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        connection.Dispose();
    }
}
