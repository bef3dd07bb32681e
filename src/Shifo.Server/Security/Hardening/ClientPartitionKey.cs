using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Shifo.Server.Security.Hardening;

/// <summary>
/// Which rate-limit bucket a request falls in: its access token's client_id, or its remote address when it carries
/// no readable token. The client_id is read from the JWT payload WITHOUT checking the signature — the rate limiter
/// runs before authentication and must stay cheap. That is safe because the key decides nothing but the bucket: a
/// forged client_id lands in a bucket of its own, and the token is then refused by the access guard.
/// </summary>
public static class ClientPartitionKey
{
    /// <summary>Longer payloads are not read (a real Shifo token's payload is well under 1 KB).</summary>
    private const int MaxPayloadChars = 4096;

    /// <summary>Longer or odd client ids are not trusted as keys; such requests fall back to the remote address.</summary>
    private const int MaxClientIdLength = 128;

    /// <summary>Most Authorization values whose keys are remembered (past it the memory starts afresh), and the longest: at most a few MB.</summary>
    private const int RememberedLimit = 1_000;
    private const int RememberedMaxLength = 4096;

    // decoding and reading the payload on every request cost more than the rest of the limiter: a client repeats its
    // token, so the key is remembered per Authorization value (the whole value: any other token is read afresh)
    private static readonly ConcurrentDictionary<string, string> Remembered = new(StringComparer.Ordinal);

    public static string For(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { Length: > 0 } value) return RemoteAddress(context);
        if (Remembered.TryGetValue(value, out var known)) return known;
        if (UnverifiedClientId(authorization) is not { } clientId) return RemoteAddress(context);
        var key = "client:" + clientId;
        if (value.Length > RememberedMaxLength) return key;
        if (Remembered.Count >= RememberedLimit) Remembered.Clear();
        Remembered[value] = key;
        return key;
    }

    public static string RemoteAddress(HttpContext context) => "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>The client_id claim of a "Bearer header.payload.signature" value, unverified; null when there is none.</summary>
    public static string? UnverifiedClientId(StringValues authorization)
    {
        if (authorization.Count != 1 || authorization[0] is not { } value) return null;
        const string scheme = "Bearer ";
        if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = value.AsSpan(scheme.Length).Trim();
        var firstDot = token.IndexOf('.');
        if (firstDot < 0) return null;
        var rest = token[(firstDot + 1)..];
        var secondDot = rest.IndexOf('.');
        if (secondDot <= 0 || secondDot > MaxPayloadChars) return null;
        var payload = rest[..secondDot];

        var buffer = ArrayPool<byte>.Shared.Rent(System.Buffers.Text.Base64Url.GetMaxDecodedLength(payload.Length));
        try
        {
            if (System.Buffers.Text.Base64Url.DecodeFromChars(payload, buffer, out _, out var written) != OperationStatus.Done) return null;
            return ClientIdOf(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? ClientIdOf(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isClientId = reader.ValueTextEquals("client_id"u8);
                if (!reader.Read()) return null;
                if (isClientId)
                    return reader.TokenType == JsonTokenType.String && reader.GetString() is { } id && IsPlausible(id) ? id : null;
                reader.Skip();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsPlausible(string id) =>
        id.Length is > 0 and <= MaxClientIdLength && id.All(c => c is > ' ' and < '\u007f');
}
