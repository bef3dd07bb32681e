using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Shifo.Fhir.Model;
using Shifo.Server.Hosting;
using Shifo.Server.Patch;
using Shifo.Storage;
using Shifo.Storage.Model;
using Shifo.Storage.Search;

namespace Shifo.Server.Pipeline;

/// <summary>What one interaction did: HTTP status, the version written or read (none for a delete of nothing), a message for OperationOutcomes.</summary>
public sealed record InteractionOutcome(int Status, StoredResource? Resource, string Message);

/// <summary>
/// The write interactions that need more than one store call (conditional create, update, delete, patch), run
/// inside a <see cref="IWriteScope"/> so that the search deciding the target and the write happen in one transaction.
/// Shared by the HTTP endpoints, transaction and batch Bundles. Failures are <see cref="FhirProblem"/>s.
/// </summary>
public sealed class ScopedWrites(WritePipeline pipeline, IOptions<ServerOptions> options)
{
    /// <summary>The current resources matching conditional criteria (searched strictly), at most <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<StoredResource>> MatchAsync(IWriteScope scope, string type, IReadOnlyList<SearchParameter> criteria, int limit, CancellationToken ct)
    {
        if (criteria.Count == 0)
            throw FhirProblem.Of(ProblemKind.Invalid, "required", $"A conditional {type} interaction needs search parameters, e.g. identifier=system|value.");
        // two conditional writes on the same criteria run one after the other: both finding nothing and both creating
        // would leave two resources where the client asked for one
        await scope.LockAsync(ConditionKey(type, criteria), ct);
        var page = await scope.SearchAsync(new SearchQuery { ResourceType = type, Parameters = criteria, Count = limit, Total = TotalMode.None, Strict = true }, ct);
        if (page.Issues.Any(i => i.IsError)) throw new FhirProblem(ProblemKind.Invalid, page.Issues);
        return page.Matches;
    }

    /// <summary>The criteria in a canonical order, so that the same condition written differently takes the same lock.</summary>
    private static string ConditionKey(string type, IReadOnlyList<SearchParameter> criteria) =>
        "conditional:" + type + "?" + string.Join("&", criteria.Select(c => c.Key + "=" + c.Value).Order(StringComparer.Ordinal));

    /// <summary>Parses and validates a body, making its id the given one (conditional update and Bundle entries may leave it out).</summary>
    public ElementNode Resource(string type, JsonObject body, string? id)
    {
        if (id is not null)
        {
            var bodyId = body["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            if (bodyId is not null && bodyId != id)
                throw FhirProblem.Of(ProblemKind.Invalid, "invalid", $"The id in the body ('{ResourceIdentity.Truncate(bodyId)}') differs from the id the request names ('{id}').");
            body["id"] = id;
        }
        // written straight to UTF-8 in a buffer the thread reuses (parsing is synchronous and keeps no reference to
        // it): no JSON string and no byte array per entry of a Bundle
        var buffer = t_buffer ??= new System.Buffers.ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            body.WriteTo(writer);
        try
        {
            return pipeline.ParseAndValidate(type, buffer.WrittenSpan);
        }
        finally
        {
            // one very large resource does not pin its buffer to the thread for good
            if (buffer.Capacity > 1024 * 1024) t_buffer = null;
        }
    }

    [ThreadStatic] private static System.Buffers.ArrayBufferWriter<byte>? t_buffer;

    public async Task<InteractionOutcome> CreateAsync(IWriteScope scope, string type, JsonObject body, string? id, IReadOnlyList<SearchParameter>? ifNoneExist, CancellationToken ct)
    {
        ResourceIdentity.RequireType(type);
        body.Remove("id");
        var resource = Resource(type, body, null);
        if (ifNoneExist is not null)
        {
            var matches = await MatchAsync(scope, type, ifNoneExist, 2, ct);
            if (matches.Count > 1)
                throw FhirProblem.Of(ProblemKind.VersionMismatch, "multiple-matches", $"If-None-Exist matches more than one {type}; nothing was created.");
            if (matches.Count == 1)
                return new InteractionOutcome(200, matches[0], $"{type}/{matches[0].Id} already matches If-None-Exist; nothing was created.");
        }
        var stored = await Translate(() => scope.CreateAsync(resource, id, ct));
        return new InteractionOutcome(201, stored, $"Created {type}/{stored.Id}.");
    }

    /// <summary>Update by id, or conditional update by criteria: no match creates, one match updates it, several are 412.</summary>
    public async Task<InteractionOutcome> UpdateAsync(IWriteScope scope, string type, string? id, IReadOnlyList<SearchParameter>? criteria, JsonObject body,
        long? ifMatch, CancellationToken ct)
    {
        ResourceIdentity.RequireType(type);
        AuditEventRules.RefuseChange(type, "update");
        if (id is null)
        {
            var matches = await MatchAsync(scope, type, criteria ?? [], 2, ct);
            if (matches.Count > 1)
                throw FhirProblem.Of(ProblemKind.VersionMismatch, "multiple-matches", $"The conditional update matches more than one {type}; nothing was changed.");
            var bodyId = body["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            if (matches.Count == 1) id = matches[0].Id;
            else id = bodyId ?? Guid.CreateVersion7().ToString();
        }
        else if (body["id"] is null)
        {
            throw FhirProblem.Of(ProblemKind.Invalid, "required", "An update needs the resource's id in the body, equal to the id in the URL.");
        }
        ResourceIdentity.RequireId(id);
        var resource = Resource(type, body, id);
        var result = await Translate(() => scope.UpdateAsync(resource, ifMatch, ct));
        return result.Created
            ? new InteractionOutcome(201, result.Resource, $"Created {type}/{id}.")
            : new InteractionOutcome(200, result.Resource, $"Updated {type}/{id} to version {result.Resource.VersionId}.");
    }

    /// <summary>Delete by id, or conditional delete: several matches only when the server allows it (else 412).</summary>
    public async Task<InteractionOutcome> DeleteAsync(IWriteScope scope, string type, string? id, IReadOnlyList<SearchParameter>? criteria, long? ifMatch, CancellationToken ct)
    {
        ResourceIdentity.RequireType(type);
        AuditEventRules.RefuseChange(type, "delete");
        if (id is not null)
        {
            ResourceIdentity.RequireId(id);
            var result = await Translate(() => scope.DeleteAsync(type, id, ifMatch, ct));
            return result.Status switch
            {
                DeleteStatus.NotFound => throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"{type}/{id} does not exist."),
                DeleteStatus.AlreadyDeleted => new InteractionOutcome(204, null, $"{type}/{id} was already deleted."),
                _ => new InteractionOutcome(204, result.Version, $"Deleted {type}/{id} (version {result.Version!.VersionId})."),
            };
        }
        var max = options.Value.MaxConditionalDeletes;
        var matches = await MatchAsync(scope, type, criteria ?? [], max + 1, ct);
        if (matches.Count > max)
            throw FhirProblem.Of(ProblemKind.VersionMismatch, "multiple-matches",
                max == 1 ? $"The conditional delete matches more than one {type}; nothing was deleted."
                         : $"The conditional delete matches more than {max} {type} resources; nothing was deleted.");
        StoredResource? last = null;
        foreach (var match in matches)
            last = (await Translate(() => scope.DeleteAsync(type, match.Id, null, ct))).Version ?? last;
        return new InteractionOutcome(204, matches.Count == 1 ? last : null,
            matches.Count == 0 ? $"No {type} matched; nothing was deleted." : $"Deleted {matches.Count} {type} resource(s).");
    }

    /// <summary>Patch by id or criteria (exactly one match): the patched resource is validated before it is stored (422 if invalid).</summary>
    public async Task<InteractionOutcome> PatchAsync(IWriteScope scope, string type, string? id, IReadOnlyList<SearchParameter>? criteria, IResourcePatch patch,
        long? ifMatch, CancellationToken ct)
    {
        ResourceIdentity.RequireType(type);
        AuditEventRules.RefuseChange(type, "patch");
        StoredResource? current;
        if (id is null)
        {
            var matches = await MatchAsync(scope, type, criteria ?? [], 2, ct);
            if (matches.Count == 0) throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"The conditional patch matches no {type}.");
            if (matches.Count > 1)
                throw FhirProblem.Of(ProblemKind.VersionMismatch, "multiple-matches", $"The conditional patch matches more than one {type}; nothing was changed.");
            current = matches[0];
        }
        else
        {
            ResourceIdentity.RequireId(id);
            current = await scope.ReadAsync(type, id, ct);
            if (current is null) throw FhirProblem.Of(ProblemKind.NotFound, "not-found", $"{type}/{id} does not exist.");
            if (current.IsDeleted) throw FhirProblem.Of(ProblemKind.Gone, "deleted", $"{type}/{id} was deleted.");
        }
        if (ifMatch is not null && ifMatch != current.VersionId)
            throw FhirProblem.Of(ProblemKind.VersionMismatch, "conflict", $"{type}/{current.Id} is at version {current.VersionId}, not {ifMatch}.");

        var patched = JsonNode.Parse(patch.Apply(current.Json!, type))?.AsObject()
            ?? throw FhirProblem.Of(ProblemKind.Unprocessable, "processing", "The patch left no resource.");
        var patchedId = patched["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (patchedId != current.Id || (string?)patched["resourceType"] != type)
            throw FhirProblem.Of(ProblemKind.Unprocessable, "processing", "A patch may not change the resource's type or id.");
        var resource = Resource(type, patched, current.Id);
        // the version read above is the one patched: a concurrent change in between is a conflict, not lost
        var result = await Translate(() => scope.UpdateAsync(resource, current.VersionId, ct));
        return new InteractionOutcome(200, result.Resource, $"Patched {type}/{current.Id} to version {result.Resource.VersionId}.");
    }

    private static async Task<T> Translate<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (VersionConflictException ex)
        {
            throw FhirProblem.Of(ProblemKind.VersionMismatch, "conflict", ex.Message);
        }
        catch (ConcurrentWriteException ex)
        {
            throw FhirProblem.Of(ProblemKind.Conflict, "conflict", ex.Message);
        }
    }
}
