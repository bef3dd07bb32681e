using Shifo.Fhir.Definitions;
using Shifo.Fhir.FhirPath;

namespace Shifo.Fhir.Validation;

/// <summary>A constraint with its expression compiled once (through the FHIRPath engine's cache), or why it could not be.</summary>
internal sealed class CompiledInvariant
{
    private CompiledInvariant(Constraint constraint, CompiledExpression? expression, string? compileError)
    {
        Constraint = constraint;
        Expression = expression;
        CompileError = compileError;
        IsError = constraint.Severity == "error";
    }

    public Constraint Constraint { get; }
    public CompiledExpression? Expression { get; }
    public string? CompileError { get; }
    public bool IsError { get; }

    public static CompiledInvariant[] CompileAll(Constraint[] constraints)
    {
        var result = new CompiledInvariant[constraints.Length];
        for (var i = 0; i < constraints.Length; i++)
        {
            var c = constraints[i];
            try
            {
                result[i] = new CompiledInvariant(c, FhirPathCompiler.GetOrCompile(c.Expression!), null);
            }
            catch (Exception ex) when (ex is FhirPathException or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                result[i] = new CompiledInvariant(c, null, ex.Message);
            }
        }
        return result;
    }
}
