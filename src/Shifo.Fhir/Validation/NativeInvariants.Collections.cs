using Shifo.Fhir.Model;

namespace Shifo.Fhir.Validation;

/// <summary>The natives that read a whole collection: a code system's concepts, a Bundle's entries, a differential's elements.</summary>
internal static partial class NativeInvariants
{
    private static readonly string[] RequestTypes = ["batch", "transaction", "history"];
    private static readonly string[] ResponseTypes = ["batch-response", "transaction-response", "history"];

    // concept.code.combine($this.descendants().concept.code).isDistinct(): the top concepts' codes and those of every
    // concept child of a descendant, which together are the codes of every node named concept below the focus (a
    // contained ValueSet's compose.include.concept too, as descendants() goes into contained resources)
    private static NativeAnswer ConceptCodesDistinct(ElementNode n, ElementNode _)
    {
        var seen = ScratchSet();
        var valueless = false;
        return ConceptCodesDistinct(n, seen, ref valueless) ? NativeAnswer.True : valueless ? NativeAnswer.Unknown : NativeAnswer.False;
    }

    // false on a repeated code, or on a code without a value (then valueless)
    private static bool ConceptCodesDistinct(ElementNode n, HashSet<string> seen, ref bool valueless)
    {
        foreach (var child in n.ChildList)
        {
            if (child.Name == "concept")
                foreach (var code in child.ChildList)
                {
                    if (code.Name != "code") continue;
                    if (code.Value is not { } v) { valueless = true; return false; }
                    if (!seen.Add(v)) return false;
                }
            if (child.ChildList.Count > 0 && !ConceptCodesDistinct(child, seen, ref valueless)) return false;
        }
        return true;
    }

    [ThreadStatic] private static HashSet<string>? t_scratch;

    /// <summary>An empty set for one native check on this thread: distinctness checks run on every definition, and a set each is garbage.</summary>
    private static HashSet<string> ScratchSet()
    {
        // a set grown by one huge snapshot is let go, so that clearing it does not cost every later check
        if (t_scratch is not { Count: <= 4096 } set) return t_scratch = new HashSet<string>(StringComparer.Ordinal);
        set.Clear();
        return set;
    }

    // element.where(path.contains('.').not()).slicing.empty(): no element with a root path (no dot) has slicing; an
    // element without a path drops out of the where(), as its condition is empty
    private static NativeAnswer RootElementNotSliced(ElementNode n, ElementNode _)
    {
        foreach (var e in n.ChildList)
        {
            if (e.Name != "element") continue;
            var path = Only(e, "path", out var many);
            if (many || path is { Value: null }) return NativeAnswer.Unknown;
            if (path is not null && !path.Value!.Contains('.') && Has(e, "slicing")) return NativeAnswer.False;
        }
        return NativeAnswer.True;
    }

    // entry.all(<part>.exists() = (%resource.type = t1 or … )): every entry has the part exactly when the Bundle's type is
    // one of those; without a type the right side is empty, so every entry fails and the rule holds only with no entries
    private static NativeAnswer EntriesHaveIf(ElementNode n, ElementNode resource, string part, string[] types)
    {
        var type = Only(resource, "type", out var many);
        if (many || type is { Value: null }) return NativeAnswer.Unknown;
        var wanted = type is null ? (bool?)null : Array.IndexOf(types, type.Value) >= 0;
        foreach (var entry in n.ChildList)
            if (entry.Name == "entry" && (wanted is not { } w || Has(entry, part) != w)) return NativeAnswer.False;
        return NativeAnswer.True;
    }

    // (type = 'history') or entry.where(fullUrl.exists()).select(fullUrl & resource.meta.versionId).isDistinct(): & reads
    // an empty side as '', so two entries with one fullUrl and no versions are the same item
    private static NativeAnswer FullUrlsDistinct(ElementNode n, ElementNode _)
    {
        var type = Only(n, "type", out var many);
        if (many || type is { Value: null }) return NativeAnswer.Unknown;
        if (type?.Value == "history") return NativeAnswer.True;
        var seen = ScratchSet();
        var distinct = true;
        foreach (var entry in n.ChildList)
        {
            if (entry.Name != "entry") continue;
            var fullUrl = Only(entry, "fullUrl", out var manyUrls);
            if (manyUrls || fullUrl is { Value: null }) return NativeAnswer.Unknown;
            if (fullUrl is null) continue;
            string version = "";
            if (Only(entry, "resource", out var manyResources) is { } r && Only(r, "meta", out var manyMeta) is { } meta)
            {
                var v = Only(meta, "versionId", out var manyVersions);
                if (manyMeta || manyVersions || v is { Value: null }) return NativeAnswer.Unknown;
                version = v?.Value ?? "";
            }
            if (manyResources) return NativeAnswer.Unknown;
            distinct &= seen.Add(fullUrl.Value + version);
        }
        var left = type is null ? NativeAnswer.Empty : NativeAnswer.False;
        return Or(left, Answer(distinct));
    }

    // (%resource.kind = 'logical' or element.first().path.startsWith(%resource.type)) and (element.tail().empty() or
    //   element.tail().all(path.startsWith(<the first path of %resource's differential up to its first dot> & '.')))
    private static NativeAnswer DifferentialPathsUnderType(ElementNode n, ElementNode resource)
    {
        var logical = IsLogical(resource, out var type);
        if (logical == NativeAnswer.Unknown) return logical;
        var first = FirstChild(n, "element");
        NativeAnswer underType;
        if (first is null || type is null) underType = NativeAnswer.Empty;
        else
        {
            var path = Only(first, "path", out var many);
            if (many || path is { Value: null }) return NativeAnswer.Unknown;
            underType = path is null ? NativeAnswer.Empty : Answer(path.Value!.StartsWith(type.Value!, StringComparison.Ordinal));
        }
        var left = Or(logical, underType);
        if (left is NativeAnswer.Unknown or NativeAnswer.False) return left;

        // an empty side of & reads as '', so a differential without a first path gives the prefix "."
        var prefix = ".";
        if (Only(resource, "differential", out var manyDifferentials) is { } differential && FirstChild(differential, "element") is { } head)
        {
            var path = Only(head, "path", out var many);
            if (many || path is { Value: null }) return NativeAnswer.Unknown;
            if (path is not null) prefix = (path.Value!.IndexOf('.') is var dot and >= 0 ? path.Value[..dot] : path.Value) + ".";
        }
        if (manyDifferentials) return NativeAnswer.Unknown;

        return And(left, TailPathsStartWith(n, prefix));
    }

    private static ElementNode? FirstChild(ElementNode n, string name)
    {
        foreach (var c in n.ChildList)
            if (c.Name == name) return c;
        return null;
    }
}
