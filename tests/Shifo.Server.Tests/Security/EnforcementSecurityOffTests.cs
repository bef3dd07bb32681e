using System.Net;
using System.Text;
using Shifo.Server.Tests.Fixtures;

namespace Shifo.Server.Tests.Security;

/// <summary>With security off nothing asks for a token, and AuditEvents still cannot be changed.</summary>
public sealed class EnforcementSecurityOffTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task Everything_works_without_a_token_but_AuditEvents_stay_unchangeable()
    {
        var patient = await server.Client.PostAsync("fhir/Patient", new StringContent("{\"resourceType\":\"Patient\"}", Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.Created, patient.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("fhir/Patient?_count=1")).StatusCode);

        var auditEvent = """
            {"resourceType":"AuditEvent","id":"off1","type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},
             "recorded":"2024-01-01T10:00:00Z","agent":[{"requestor":true,"altId":"x"}],"source":{"observer":{"display":"test"}}}
            """;
        var put = await server.Client.PutAsync("fhir/AuditEvent/off1", new StringContent(auditEvent, Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await server.Client.DeleteAsync("fhir/AuditEvent/off1")).StatusCode);
    }
}
