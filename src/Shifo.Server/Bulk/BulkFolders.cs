using Microsoft.Extensions.Options;

namespace Shifo.Server.Bulk;

/// <summary>The job folders and the import folder, as absolute paths; job ids are server-made GUIDs, never client text.</summary>
public sealed class BulkFolders(IOptions<BulkOptions> options)
{
    public string Root { get; } = Path.GetFullPath(options.Value.Folder);
    public string ImportRoot { get; } = Path.GetFullPath(options.Value.ImportFolder);

    public string Job(string jobId) => Path.Combine(Root, jobId);

    public void DeleteJob(string jobId)
    {
        var dir = Job(jobId);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    /// <summary>A file path of an import input: relative to the import folder or absolute (file: URL), and inside it; null otherwise.</summary>
    public string? ResolveImport(string url)
    {
        var path = url.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(url).LocalPath : url;
        if (url.Contains("://", StringComparison.Ordinal) && !url.StartsWith("file://", StringComparison.OrdinalIgnoreCase)) return null;
        var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(ImportRoot, path));
        return full.StartsWith(ImportRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }
}
