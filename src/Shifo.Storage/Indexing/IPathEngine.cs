using Shifo.Fhir.Model;

namespace Shifo.Storage.Indexing;

/// <summary>
/// Evaluates a compiled FHIRPath expression on a resource: nodes of the resource or System values, to be read before the
/// next evaluation on the same thread (the engine may reuse what it hands back).
/// </summary>
public delegate IEnumerable<object> CompiledPath(ElementNode resource);

/// <summary>
/// The FHIRPath engine as indexing needs it: compile once, evaluate many times. Kept as an interface so that
/// Shifo.Storage depends on the engine through one adapter (<see cref="FhirPathEngine"/>).
/// </summary>
public interface IPathEngine
{
    /// <summary>Compiles an expression; throws when the engine cannot parse or type it.</summary>
    CompiledPath Compile(string expression);
}
