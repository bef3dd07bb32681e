using System.Text.RegularExpressions;

namespace Shifo.Storage.Indexing;

/// <summary>One union branch of a search parameter's expression, with the reference target type it demands, if any.</summary>
public sealed record ExpressionBranch(string Expression, string? TargetType);

/// <summary>
/// Splits a search parameter's expression ("Patient.name | Practitioner.name") into its top-level union branches
/// and keeps those that can apply to one resource type, so that a Patient is not evaluated against the
/// Practitioner branch. A branch's ".where(resolve() is Patient)" filter is lifted out: the target's type is read
/// from the reference itself, since a stored resource's references are not resolvable while it is indexed.
/// </summary>
public static partial class ExpressionBranches
{
    [GeneratedRegex(@"\.where\(\s*resolve\(\)\s+is\s+([A-Za-z]+)\s*\)")]
    private static partial Regex ResolveIs();

    // "(path as Type)" without parentheses inside the path
    [GeneratedRegex(@"\(\s*([^()|]+?)\s+as\s+([A-Za-z]+)\s*\)")]
    private static partial Regex AsOperator();

    public static IReadOnlyList<ExpressionBranch> For(string expression, string resourceType, Func<string, bool> isResourceType)
    {
        var result = new List<ExpressionBranch>();
        foreach (var raw in SplitUnion(expression))
        {
            var branch = raw.Trim();
            var root = RootName(branch);
            if (root is not null && root != resourceType && root is not ("Resource" or "DomainResource") && isResourceType(root))
                continue;
            string? target = null;
            var m = ResolveIs().Match(branch);
            if (m.Success && ResolveIs().Matches(branch).Count == 1)
            {
                target = m.Groups[1].Value;
                branch = branch.Remove(m.Index, m.Length);
            }
            result.Add(new ExpressionBranch(AsFilter(branch), target));
        }
        return result;
    }

    /// <summary>
    /// "(Observation.component.value as Quantity)" as "(Observation.component.value.ofType(Quantity))": the as operator
    /// fails on more than one item, which would leave a blood pressure's two component values unindexed; a search
    /// parameter means every value of the type, and for one item the two agree.
    /// </summary>
    internal static string AsFilter(string branch) => AsOperator().Replace(branch, "($1.ofType($2))");

    /// <summary>The top-level '|' splits, ignoring those inside parentheses and string literals.</summary>
    internal static IEnumerable<string> SplitUnion(string expression)
    {
        var depth = 0;
        var start = 0;
        var inString = false;
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '\'') inString = false;
                continue;
            }
            switch (c)
            {
                case '\'': inString = true; break;
                case '(': depth++; break;
                case ')': depth--; break;
                case '|' when depth == 0:
                    yield return expression[start..i];
                    start = i + 1;
                    break;
            }
        }
        yield return expression[start..];
    }

    /// <summary>The first identifier of a branch, past opening parentheses: "(Observation.value as Quantity)" → Observation.</summary>
    private static string? RootName(string branch)
    {
        var i = 0;
        while (i < branch.Length && (branch[i] == '(' || char.IsWhiteSpace(branch[i]))) i++;
        var start = i;
        while (i < branch.Length && char.IsLetterOrDigit(branch[i])) i++;
        return i > start ? branch[start..i] : null;
    }
}
