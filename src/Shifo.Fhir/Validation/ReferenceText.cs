using Shifo.Fhir.Definitions;

namespace Shifo.Fhir.Validation;

/// <summary>Reading reference strings and fullUrls: absolute or not, and the Type/id they name, if any.</summary>
internal static class ReferenceText
{
    /// <summary>True for a URI with a scheme (http:, https:, urn:, ...), per RFC 3986 scheme syntax.</summary>
    public static bool IsAbsolute(string s)
    {
        var colon = s.IndexOf(':');
        if (colon < 1 || !char.IsAsciiLetter(s[0])) return false;
        for (var i = 1; i < colon; i++)
        {
            var c = s[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')) return false;
        }
        return true;
    }

    /// <summary>
    /// The resource type and id at the end of a RESTful reference: "Type/id" or "Type/id/_history/vid",
    /// relative or after a base URL. False when the text does not end that way with a known resource type.
    /// </summary>
    public static bool TryRestful(string s, FhirDefinitions defs, out string type, out string id)
    {
        type = id = "";
        var q = s.IndexOfAny(['?', '#']);
        if (q >= 0) s = s[..q];
        var parts = s.Split('/');
        var n = parts.Length;
        if (n >= 4 && parts[n - 2] == "_history") n -= 2;
        if (n < 2) return false;
        if (!defs.IsResourceType(parts[n - 2]) || parts[n - 1].Length == 0) return false;
        type = parts[n - 2];
        id = parts[n - 1];
        return true;
    }
}
