using Shifo.Fhir.Outcomes;
using Shifo.Storage.Jobs;

namespace Shifo.Server.Bulk;

/// <summary>
/// Runs bulk jobs in the background, one at a time, oldest first. Its work list is the database (queued and running
/// jobs), so jobs interrupted by a stop or a crash are taken up again at start-up: imports from their last committed
/// position, exports from the beginning.
/// </summary>
public sealed class BulkJobRunner(JobStore jobs, ExportJob export, ImportJob import, BulkFolders folders, ILogger<BulkJobRunner> log) : BackgroundService
{
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>Wakes the runner after a kick-off instead of waiting for its next look.</summary>
    public void Notify() => _signal.Release();

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                foreach (var job in await jobs.UnfinishedAsync(stopping)) await RunAsync(job, stopping);
                await _signal.WaitAsync(TimeSpan.FromSeconds(2), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // e.g. the database is briefly unreachable: look again later
                // type and stack only: the messages of lower layers may quote data
                log.LogError("Bulk job runner: looking for jobs failed: {Type} {Stack}", ex.GetType().FullName, ex.StackTrace);
                await Task.Delay(TimeSpan.FromSeconds(2), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task RunAsync(BulkJob job, CancellationToken stopping)
    {
        try
        {
            log.LogInformation("Bulk {Kind} job {Id} starts", job.Kind, job.Id);
            if (job.Kind == BulkKinds.Export) await export.RunAsync(job, stopping);
            else await import.RunAsync(job, stopping);
            log.LogInformation("Bulk {Kind} job {Id} ends", job.Kind, job.Id);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw; // stays running: resumed at the next start
        }
        catch (OperationCanceledException)
        {
            // cancelled by a DELETE: whatever the job wrote after its files were removed goes too
            folders.DeleteJob(job.Id);
            log.LogInformation("Bulk job {Id} was cancelled", job.Id);
        }
        catch (Exception ex)
        {
            // type and stack only: an import's exception may quote the line it failed on
            log.LogError("Bulk {Kind} job {Id} failed: {Type} {Stack}", job.Kind, job.Id, ex.GetType().FullName, ex.StackTrace);
            if (job.Kind == BulkKinds.Export) folders.DeleteJob(job.Id);
            var outcome = OperationOutcome.ToJson([Issue.Error("exception", null, $"The {job.Kind} failed: {ex.GetType().Name}.")]);
            await jobs.UpdateAsync(job.Id, JobStatus.Failed, "failed", outcome, stopping);
        }
    }
}
