using Shifo.Synth.Geography;
using Shifo.Synth.Json;
using Shifo.Synth.Names;
using Shifo.Synth.Writers;

namespace Shifo.Synth.Facilities;

public enum FacilityKind { RegionalHospital, DistrictHospital, FamilyPolyclinic, RuralHealthPost }

/// <summary>A health facility: an Organization with its one Location (the building).</summary>
public sealed class Facility
{
    internal Facility(string id, string locationId, string number, Region region, District district, FacilityKind kind, string name, double lat, double lon)
    {
        Id = id; LocationId = locationId; Number = number; Region = region; District = district; Kind = kind; Name = name;
        Latitude = lat; Longitude = lon;
    }

    public string Id { get; }
    public string LocationId { get; }
    public string Number { get; }
    public Region Region { get; }
    public District District { get; }
    public FacilityKind Kind { get; }
    public string Name { get; }
    public double Latitude { get; }
    public double Longitude { get; }
    public List<Clinician> Staff { get; } = [];
    public bool IsHospital => Kind is FacilityKind.RegionalHospital or FacilityKind.DistrictHospital;
}

/// <summary>A physician: a Practitioner and the PractitionerRole that places them at a facility with a specialty.</summary>
public sealed record Clinician(string Id, string RoleId, string Licence, PersonName Name, DateOnly BirthDate, Code Specialty, Facility Facility);

/// <summary>
/// The facility and health-worker registry of the population being generated. It is sized from the number of
/// patients expected in each region and the region's densities (<see cref="Regions"/>), so that a sample keeps
/// the real proportions: dense in Tashkent city, sparse in Karakalpakstan, Surkhandarya and Kashkadarya.
/// Small enough to hold in memory (about 25 physicians per 10,000 patients).
/// </summary>
public sealed class HealthDirectory
{
    private readonly Dictionary<string, List<Facility>> _byRegion = [];
    private readonly Dictionary<(string, int), List<Facility>> _primaryByDistrict = [];

    public IReadOnlyList<Facility> Facilities { get; }
    public IReadOnlyList<Clinician> Clinicians { get; }

    private HealthDirectory(List<Facility> facilities)
    {
        Facilities = facilities;
        Clinicians = facilities.SelectMany(f => f.Staff).ToList();
        foreach (var f in facilities)
        {
            if (!_byRegion.TryGetValue(f.Region.Code, out var list)) _byRegion[f.Region.Code] = list = [];
            list.Add(f);
            if (!f.IsHospital && f.Staff.Count > 0)
            {
                var key = (f.Region.Code, f.District.Code);
                if (!_primaryByDistrict.TryGetValue(key, out var d)) _primaryByDistrict[key] = d = [];
                d.Add(f);
            }
        }
    }

    /// <summary>Builds the directory for the expected number of patients per region.</summary>
    public static HealthDirectory Build(long seed, IReadOnlyDictionary<Region, double> expectedPatients)
    {
        var facilities = new List<Facility>();
        foreach (var region in Regions.All)
        {
            if (!expectedPatients.TryGetValue(region, out var people) || people <= 0) continue;
            var rng = SynthRandom.For(seed, "directory:" + region.Code);
            var physicians = Math.Max(1, (int)Math.Round(people * region.PhysiciansPer10k / 10_000));
            var count = Math.Min(physicians, Math.Max(1, (int)Math.Round(people * region.FacilitiesPer10k / 10_000)));
            var regional = BuildFacilities(region, count, rng, facilities.Count);
            AssignStaff(regional, physicians, rng, seed);
            facilities.AddRange(regional);
        }
        return new HealthDirectory(facilities);
    }

    private static List<Facility> BuildFacilities(Region region, int count, SynthRandom rng, int numberBase)
    {
        var list = new List<Facility>(count);
        var byWeight = region.Districts.OrderByDescending(d => d.Weight).ThenBy(d => d.Code).ToList();
        var districtTable = new WeightedTable(region.Districts.Select(d => d.Weight).ToList());
        var hospitals = Math.Max(1, (int)Math.Round(count * 0.15));
        var perDistrictSerial = new Dictionary<int, int>();
        for (var i = 0; i < count; i++)
        {
            District district;
            FacilityKind kind;
            if (i == 0) { district = region.Districts[0]; kind = FacilityKind.RegionalHospital; }
            else if (i < hospitals) { district = byWeight[(i - 1) % byWeight.Count]; kind = FacilityKind.DistrictHospital; }
            else
            {
                // cover every district with primary care first, then follow the population
                var j = i - hospitals;
                district = j < byWeight.Count ? byWeight[j] : region.Districts[districtTable.Draw(rng)];
                kind = district.IsCity || region.Code == "UZ-TK" || rng.Chance(0.4) ? FacilityKind.FamilyPolyclinic : FacilityKind.RuralHealthPost;
            }
            var serial = perDistrictSerial[district.Code] = perDistrictSerial.GetValueOrDefault(district.Code) + 1;
            var name = Name(region, district, kind, serial);
            var number = $"{region.Code}-{numberBase + i + 1:D5}";
            list.Add(new Facility(rng.Uuid(), rng.Uuid(), number, region, district, kind, name,
                region.Latitude + rng.Normal(0, 0.25), region.Longitude + rng.Normal(0, 0.35)));
        }
        return list;
    }

    private static string Name(Region region, District district, FacilityKind kind, int serial)
    {
        var place = region.Code == "UZ-TK" ? district.Name + " tumani" : district.AddressName;
        return kind switch
        {
            FacilityKind.RegionalHospital when region.Code == "UZ-TK" => "Toshkent shahar ko'p tarmoqli klinik shifoxonasi",
            FacilityKind.RegionalHospital when region.Code == "UZ-QR" => "Qoraqalpog'iston Respublikasi ko'p tarmoqli tibbiyot markazi",
            FacilityKind.RegionalHospital => region.NameUz.Replace(" viloyati", " viloyat") + " ko'p tarmoqli tibbiyot markazi",
            FacilityKind.DistrictHospital => $"{place} tibbiyot birlashmasi" + (serial > 1 ? $" {serial}-filiali" : ""),
            FacilityKind.FamilyPolyclinic => $"{place} {serial}-son oilaviy poliklinikasi",
            _ => $"{place} {serial}-son qishloq vrachlik punkti",
        };
    }

    // how strongly each kind of facility attracts physicians: hospitals employ most of them
    private static double StaffWeight(FacilityKind k) => k switch
    {
        FacilityKind.RegionalHospital => 25,
        FacilityKind.DistrictHospital => 8,
        FacilityKind.FamilyPolyclinic => 3,
        _ => 1,
    };

    private static void AssignStaff(List<Facility> facilities, int physicians, SynthRandom rng, long seed)
    {
        var table = new WeightedTable(facilities.Select(f => StaffWeight(f.Kind)).ToList());
        for (var i = 0; i < physicians; i++)
        {
            var f = i < facilities.Count ? facilities[i] : facilities[table.Draw(rng)];
            var male = rng.Chance(0.45); // most physicians in Uzbekistan are women
            var age = rng.Between(26, 66);
            var birth = new DateOnly(2025 - age, 1, 1).AddDays(rng.Next(365));
            var licence = $"{f.Region.Code[3..]}{rng.Next(1_000_000):D6}";
            f.Staff.Add(new Clinician(rng.Uuid(), rng.Uuid(), licence, PersonName.Draw(rng, male), birth, Specialties.Draw(rng, f.IsHospital), f));
        }
    }

    /// <summary>A primary-care facility with staff for someone living in the district (the region's nearest one if the district has none).</summary>
    public Facility PrimaryCare(Region region, District district, SynthRandom rng)
    {
        if (_primaryByDistrict.TryGetValue((region.Code, district.Code), out var local)) return rng.Pick(local);
        var all = _byRegion[region.Code];
        return all.FirstOrDefault(f => !f.IsHospital && f.Staff.Count > 0) ?? all.First(f => f.Staff.Count > 0);
    }

    /// <summary>The hospital a patient of the district is admitted to: the district's own, else the regional one.</summary>
    public Facility Hospital(Region region, District district)
    {
        var all = _byRegion[region.Code];
        return all.FirstOrDefault(f => f.Kind == FacilityKind.DistrictHospital && f.District == district && f.Staff.Count > 0)
            ?? all.First(f => f.IsHospital && f.Staff.Count > 0);
    }

    public bool Covers(Region region) => _byRegion.ContainsKey(region.Code);

    /// <summary>Writes Organization, Location, Practitioner and PractitionerRole resources.</summary>
    public void Write(IResourceSink sink, long seed)
    {
        sink.BeginGroup(directory: true);
        foreach (var f in Facilities) WriteFacility(sink, f);
        foreach (var f in Facilities)
            foreach (var c in f.Staff) WriteClinician(sink, c, seed);
        sink.EndGroup();
    }

    private static void WriteFacility(IResourceSink sink, Facility f)
    {
        var w = sink.BeginResource("Organization", f.Id);
        w.WriteStartArray("identifier");
        w.WriteIdentifier(PackageCodes.ProviderNumber, ShifoSystems.Facility, f.Number);
        w.WriteEndArray();
        w.WriteBoolean("active", true);
        w.WriteConceptArray("type", PackageCodes.Provider);
        w.WriteString("name", f.Name);
        w.WriteStartArray("address");
        WriteAddress(w, f);
        w.WriteEndArray();
        sink.EndResource();

        w = sink.BeginResource("Location", f.LocationId);
        w.WriteStartArray("identifier");
        w.WriteIdentifier(null, ShifoSystems.Facility, f.Number);
        w.WriteEndArray();
        w.WriteString("status", "active");
        w.WriteString("name", f.Name);
        w.WriteString("mode", "instance");
        w.WriteConcept("physicalType", PackageCodes.Building);
        w.WritePropertyName("address");
        WriteAddress(w, f);
        w.WriteStartObject("position");
        w.WriteNumber("longitude", Math.Round((decimal)f.Longitude, 5));
        w.WriteNumber("latitude", Math.Round((decimal)f.Latitude, 5));
        w.WriteEndObject();
        w.WriteReference("managingOrganization", DirectoryReference.Of("Organization", f.Id), f.Name);
        sink.EndResource();
    }

    private static void WriteAddress(System.Text.Json.Utf8JsonWriter w, Facility f)
    {
        w.WriteStartObject();
        w.WriteString("use", "work");
        w.WriteString("type", "physical");
        w.WriteString("city", f.Region.Code == "UZ-TK" ? "Toshkent" : f.District.Name);
        w.WriteString("district", f.Region.Code == "UZ-TK" ? f.District.Name + " tumani" : f.District.AddressName);
        w.WriteString("state", f.Region.NameUz);
        w.WriteString("country", "UZ");
        w.WriteEndObject();
    }

    private static void WriteClinician(IResourceSink sink, Clinician c, long seed)
    {
        var rng = SynthRandom.For(seed, "clinician:" + c.Id);
        var w = sink.BeginResource("Practitioner", c.Id);
        w.WriteStartArray("identifier");
        w.WriteIdentifier(PackageCodes.LicenceNumber, ShifoSystems.PractitionerLicence, c.Licence);
        w.WriteEndArray();
        w.WriteBoolean("active", true);
        c.Name.WriteName(w, rng);
        w.WriteString("gender", c.Name.Male ? "male" : "female");
        w.WriteDate("birthDate", c.BirthDate);
        sink.EndResource();

        w = sink.BeginResource("PractitionerRole", c.RoleId);
        w.WriteBoolean("active", true);
        w.WriteReference("practitioner", DirectoryReference.Of("Practitioner", c.Id), c.Name.Display);
        w.WriteReference("organization", DirectoryReference.Of("Organization", c.Facility.Id), c.Facility.Name);
        w.WriteConceptArray("code", PackageCodes.Doctor);
        w.WriteConceptArray("specialty", c.Specialty);
        w.WriteReferenceArray("location", DirectoryReference.Of("Location", c.Facility.LocationId));
        sink.EndResource();
    }
}
