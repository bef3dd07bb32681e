using Shifo.Fhir.FhirPath;

namespace Shifo.Storage.Indexing;

/// <summary>
/// Shifo's FHIRPath engine behind <see cref="IPathEngine"/>: each expression is parsed and compiled once, and evaluated on
/// a scope its thread reuses (the indexer copies each result before it evaluates the next expression).
/// </summary>
public sealed class FhirPathEngine : IPathEngine
{
    public CompiledPath Compile(string expression)
    {
        var compiled = FhirPathCompiler.GetOrCompile(expression);
        return resource => compiled.EvaluateReusingScope(resource);
    }
}
