namespace Shifo.Server.Bulk;

/// <summary>Bulk data settings, configuration section "Bulk" (environment: SHIFO_Bulk__Folder, SHIFO_Bulk__ImportFolder, ...).</summary>
public sealed class BulkOptions
{
    /// <summary>Where export files and uploaded import bodies are kept, one sub-folder per job.</summary>
    public string Folder { get; set; } = Path.Combine("data", "bulk");

    /// <summary>The only folder $import may read files from (input urls are paths under it); the server never fetches from the network.</summary>
    public string ImportFolder { get; set; } = Path.Combine("data", "import");

    /// <summary>Input lines per import transaction: a crash loses at most this much work, never part of it.</summary>
    public int ImportBatchSize { get; set; } = 200;

    /// <summary>Resources read per search page while exporting.</summary>
    public int ExportPageSize { get; set; } = 500;
}
