using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Shifo.Storage.Relational;

/// <summary>
/// The open transaction of each write scope's connection, so that the shared read and search code (which builds its
/// commands without a transaction) joins it: SQLite refuses a command on a connection with a pending transaction
/// unless the command names it.
/// </summary>
internal static class ScopeTransactions
{
    private static readonly ConditionalWeakTable<DbConnection, DbTransaction> Open = new();

    public static void Register(DbConnection connection, DbTransaction tx) => Open.AddOrUpdate(connection, tx);

    public static void Release(DbConnection connection) => Open.Remove(connection);

    public static DbTransaction? Of(DbConnection connection) => Open.TryGetValue(connection, out var tx) ? tx : null;
}
