using Shifo.Fhir.FhirPath;

namespace Shifo.Storage.Indexing;

/// <summary>Shifo's FHIRPath engine behind <see cref="IPathEngine"/>: each expression is parsed and compiled once.</summary>
public sealed class FhirPathEngine : IPathEngine
{
    public CompiledPath Compile(string expression)
    {
        var compiled = FhirPathCompiler.GetOrCompile(expression);
        return resource => compiled.Evaluate(resource);
    }
}
