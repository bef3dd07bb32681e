namespace Shifo.Storage.Caching;

/// <summary>A cached read: the current version of type/id (<see cref="Version"/> 0), or one version of it (vread).</summary>
internal readonly record struct CacheKey(string Type, string Id, long Version)
{
    public static CacheKey Current(string type, string id) => new(type, id, 0);

    /// <summary>The stripe of type/id: a write of the resource moves the stamp every fill of it is checked against.</summary>
    public int Stripe(int mask) => HashCode.Combine(Type, Id) & mask;
}
