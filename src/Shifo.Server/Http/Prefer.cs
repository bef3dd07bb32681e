namespace Shifo.Server.Http;

public enum ReturnPreference { Representation, Minimal, OperationOutcome }

/// <summary>The Prefer header: return=minimal|representation|OperationOutcome and handling=strict|lenient.</summary>
public static class Prefer
{
    public static ReturnPreference Return(HttpRequest request)
    {
        var value = Token(request, "return");
        return value switch
        {
            "minimal" => ReturnPreference.Minimal,
            "operationoutcome" => ReturnPreference.OperationOutcome,
            _ => ReturnPreference.Representation,
        };
    }

    public static bool IsStrict(HttpRequest request) => Token(request, "handling") == "strict";

    private static string? Token(HttpRequest request, string name)
    {
        foreach (var header in request.Headers["Prefer"])
        {
            if (header is null) continue;
            foreach (var part in header.Split([',', ';']))
            {
                var kv = part.Split('=', 2);
                if (kv.Length == 2 && kv[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                    return kv[1].Trim().Trim('"').ToLowerInvariant();
            }
        }
        return null;
    }
}
