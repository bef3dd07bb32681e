namespace Shifo.Server.Patch;

/// <summary>
/// A parsed patch document. Apply turns the stored JSON into the patched JSON; an operation that cannot be applied
/// (a path that does not exist, a failed test) is a 422-kind problem. The result is validated by the caller.
/// </summary>
public interface IResourcePatch
{
    byte[] Apply(byte[] resourceJson, string resourceType);
}
