using System.Text.Json;

namespace Shifo.Synth.Writers;

/// <summary>
/// Where generated resources go. The generator writes each resource's members straight into the writer the
/// sink hands out, so nothing is held in memory beyond the resource being written. Resources come in groups:
/// the health directory first (facilities and workforce, shared by everyone), then one group per patient.
/// </summary>
public interface IResourceSink : IDisposable
{
    /// <summary>Starts a group: <paramref name="directory"/> for the shared directory, else one patient's record.</summary>
    void BeginGroup(bool directory);
    void EndGroup();

    /// <summary>Starts a resource; resourceType (and id where the format carries it) are written already.</summary>
    Utf8JsonWriter BeginResource(string type, string id);
    void EndResource();

    /// <summary>How a resource of the current patient group refers to another one of the same group.</summary>
    string LocalReference(string type, string id);

    /// <summary>Counts so far, per resource type.</summary>
    IReadOnlyDictionary<string, long> Counts { get; }
}

/// <summary>Directory resources keep fixed ids in every format, so everyone refers to them as Type/id.</summary>
public static class DirectoryReference
{
    public static string Of(string type, string id) => type + "/" + id;
}
