using System.Data.Common;
using Shifo.Storage.Relational;

namespace Shifo.Server.Tests.Storage;

/// <summary>A dialect that behaves like the real one but fails at the last statement of a write (the current-row upsert).</summary>
public sealed class FailingDialect(SqlDialect inner) : SqlDialect
{
    public override string Name => inner.Name;
    public override string Location => inner.Location;
    public override Task<DbConnection> OpenAsync(CancellationToken ct) => inner.OpenAsync(ct);
    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) => inner.BeginWriteAsync(connection, ct);
    public override bool IsUniqueViolation(Exception ex) => inner.IsUniqueViolation(ex);
    public override string CreateSchemaVersionTable => inner.CreateSchemaVersionTable;
    public override string? MigrationLock => inner.MigrationLock;
    public override IReadOnlyList<Migration> Migrations => inner.Migrations;
    public override string SelectCurrentForWrite => inner.SelectCurrentForWrite;
    public override string InsertVersion => inner.InsertVersion;
    public override string SupersedeVersion => inner.SupersedeVersion;
    public override string UpsertCurrent => "INSERT INTO no_such_table (x) VALUES (@t)";
    public override string ReadCurrent => inner.ReadCurrent;
    public override string ReadVersion => inner.ReadVersion;
    public override string DeleteIndexRows(string table) => inner.DeleteIndexRows(table);
    public override string ReindexBatch => inner.ReindexBatch;
    // the fixture owns the real dialect
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
