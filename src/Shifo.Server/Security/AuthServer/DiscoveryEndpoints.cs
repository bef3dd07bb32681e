using System.Text.Json.Nodes;
using Shifo.Server.Security.Tokens;

namespace Shifo.Server.Security.AuthServer;

/// <summary>The SMART configuration (/.well-known/smart-configuration, also under /fhir) and the JWKS of the server's signing keys.</summary>
public static class DiscoveryEndpoints
{
    public static IResult SmartConfiguration(HttpContext context)
    {
        var auth = SecurityUrls.Issuer(SecurityUrls.Base(context.Request));
        var configuration = new JsonObject
        {
            ["issuer"] = auth,
            ["jwks_uri"] = auth + "/jwks",
            ["authorization_endpoint"] = auth + "/authorize",
            ["token_endpoint"] = auth + "/token",
            ["revocation_endpoint"] = auth + "/revoke",
            ["token_endpoint_auth_methods_supported"] = Array("private_key_jwt"),
            ["token_endpoint_auth_signing_alg_values_supported"] = Array("RS384", "ES384"),
            ["grant_types_supported"] = Array("authorization_code", "client_credentials", "refresh_token"),
            ["scopes_supported"] = Array("openid", "fhirUser", "launch/patient", "offline_access", "online_access",
                "patient/*.rs", "patient/*.cruds", "user/*.rs", "user/*.cruds", "system/*.rs", "system/*.cruds"),
            ["response_types_supported"] = Array("code"),
            ["code_challenge_methods_supported"] = Array("S256"),
            ["capabilities"] = Array("launch-standalone", "client-public", "client-confidential-asymmetric",
                "context-standalone-patient", "permission-v2", "permission-patient", "permission-user", "permission-offline"),
        };
        return Results.Text(configuration.ToJsonString(), "application/json", statusCode: 200);
    }

    public static async Task<IResult> Jwks(HttpContext context, SigningKeyRing keys)
    {
        var published = await keys.PublishedAsync(context.RequestAborted);
        var set = new JsonObject { ["keys"] = new JsonArray(published.Select(k => (JsonNode)ToNode(Jwk.FromPublicKey(k.Key, k.Kid, k.Algorithm))).ToArray()) };
        return Results.Text(set.ToJsonString(), "application/jwk-set+json", statusCode: 200);
    }

    private static JsonObject ToNode(Dictionary<string, object?> jwk)
    {
        var node = new JsonObject();
        foreach (var (name, value) in jwk) node[name] = value is null ? null : JsonValue.Create(value.ToString());
        return node;
    }

    private static JsonArray Array(params string[] values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
