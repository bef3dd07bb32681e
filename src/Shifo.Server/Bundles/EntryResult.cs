using Shifo.Fhir.Outcomes;
using Shifo.Storage.Model;

namespace Shifo.Server.Bundles;

/// <summary>What one Bundle entry came to: status, the version it wrote or read, a searchset body for a GET search, or the issues of a failure.</summary>
public sealed record EntryResult(int Status, StoredResource? Resource, byte[]? Body = null, IReadOnlyList<Issue>? Issues = null);
