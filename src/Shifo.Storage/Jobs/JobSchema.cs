using Shifo.Storage.Relational;

namespace Shifo.Storage.Jobs;

/// <summary>
/// The tables of asynchronous bulk jobs ($export, $import), the same DDL in both dialects (SQLite reads BIGINT as
/// INTEGER). A job's state lives here rather than in memory so that a restart neither loses a finished export's
/// manifest nor the position an import reached.
/// </summary>
internal static class JobSchema
{
    public static Migration Migration(int version) => new(version, "bulk data jobs and their per-resource errors",
    [
        """
        CREATE TABLE bulk_job (
            job_id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, request TEXT NOT NULL,
            spec TEXT NOT NULL, created_at BIGINT NOT NULL, transaction_time BIGINT NOT NULL, progress TEXT NULL,
            position BIGINT NOT NULL, counts TEXT NULL, manifest TEXT NULL)
        """,
        "CREATE INDEX bulk_job_status ON bulk_job (status, created_at)",
        """
        CREATE TABLE bulk_job_error (
            job_id TEXT NOT NULL, line BIGINT NOT NULL, outcome TEXT NOT NULL, PRIMARY KEY (job_id, line))
        """,
    ]);
}
