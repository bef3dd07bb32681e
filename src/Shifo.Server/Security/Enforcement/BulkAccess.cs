using Shifo.Server.Pipeline;
using Shifo.Server.Security.Access;
using Shifo.Server.Security.Scopes;

namespace Shifo.Server.Security.Enforcement;

/// <summary>
/// Bulk data is for systems: $export needs r and s on every type exported (every type when no _type is given: a
/// system/*.rs scope), $import c and u on every type imported (system/*.cu when an input names no type); the job
/// status and the files too need the System role. The jobs themselves run in the background on the real store.
/// </summary>
public static class BulkAccess
{
    public static AccessContext RequireSystem(HttpContext context)
    {
        var access = context.Access() ?? throw FhirProblem.Of(ProblemKind.Forbidden, "forbidden", "The request has no verified caller.");
        if (access.Role != AccessRole.System)
            throw FhirProblem.Of(ProblemKind.Forbidden, "forbidden", "Bulk data is for systems only.");
        return access;
    }

    public static void RequireExport(HttpContext context, IReadOnlyList<string>? types) =>
        Require(context, types, ScopeActions.Read | ScopeActions.Search);

    public static void RequireImport(HttpContext context, IEnumerable<string?> types) =>
        Require(context, types.Select(t => t ?? "*").Distinct().ToList(), ScopeActions.Create | ScopeActions.Update);

    private static void Require(HttpContext context, IReadOnlyList<string>? types, ScopeActions actions)
    {
        var access = RequireSystem(context);
        foreach (var type in types is { Count: > 0 } ? types : ["*"])
            if (!access.Scopes.Allows(ScopeContext.System, type, actions))
                throw FhirProblem.Of(ProblemKind.Forbidden, "forbidden", ScopeRules.Needs(access, type, actions));
    }
}
