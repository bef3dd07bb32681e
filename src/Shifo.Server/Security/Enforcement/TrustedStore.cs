using Shifo.Storage;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// The real store, unguarded: for work that acts for the server itself (start-up, demo load, bulk jobs, health,
/// the CapabilityStatement, the enforcement's own look-ups). Request handlers get <see cref="IResourceStore"/>,
/// which is the request's <see cref="GuardedResourceStore"/>; nothing on a request path should take this type.
/// </summary>
public sealed class TrustedStore(IResourceStore store)
{
    public IResourceStore Store { get; } = store;
}
