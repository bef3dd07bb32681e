// Turns the official FHIR R4 definition bundles into the compact JSON that Shifo.Fhir embeds.
// Nothing of the specification is typed here: every fact comes from the package.
// Usage: node scripts/generate-definitions.mjs PACKAGE_DIR OUT_DIR
import fs from "node:fs";
import path from "node:path";

const [pkgDir, outDir] = process.argv.slice(2);
if (!pkgDir || !outDir) {
  console.error("usage: node scripts/generate-definitions.mjs PACKAGE_DIR OUT_DIR");
  process.exit(2);
}
const readBundle = (name) =>
  JSON.parse(fs.readFileSync(path.join(pkgDir, name), "utf8")).entry.map((e) => e.resource);

const EXT_FHIR_TYPE = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";
const EXT_REGEX = "http://hl7.org/fhir/StructureDefinition/regex";
const stripVersion = (url) => (url ? url.split("|")[0] : url);

function compactType(t) {
  const out = { code: t.code };
  const fhirType = (t.extension || []).find((x) => x.url === EXT_FHIR_TYPE);
  if (fhirType) out.code = fhirType.valueUrl; // e.g. Element.id is a FHIR 'string' in FHIRPath terms
  if (t.code && t.code.startsWith("http://hl7.org/fhirpath/System.")) out.system = t.code.substring(31);
  if (t.profile) out.profile = t.profile;
  if (t.targetProfile) out.targetProfile = t.targetProfile;
  return out;
}

function compactElement(e) {
  const out = { path: e.path, min: e.min, max: e.max };
  if (e.base && e.base.max !== e.max) out.baseMax = e.base.max;
  if (e.base && e.base.path !== e.path) out.basePath = e.base.path;
  if (e.type) out.type = e.type.map(compactType);
  if (e.contentReference) out.contentReference = e.contentReference;
  const regex = (e.type || []).flatMap((t) => t.extension || []).find((x) => x.url === EXT_REGEX);
  if (regex) out.regex = regex.valueString;
  if (e.binding && e.binding.valueSet) {
    out.binding = { strength: e.binding.strength, valueSet: stripVersion(e.binding.valueSet) };
  }
  if (e.constraint) {
    out.constraint = e.constraint.map((c) => {
      const k = { key: c.key, severity: c.severity, human: c.human };
      if (c.expression) k.expression = c.expression;
      if (c.source) k.source = c.source;
      return k;
    });
  }
  if (e.isSummary) out.isSummary = true;
  if (e.isModifier) out.isModifier = true;
  if (e.fixedUri) out.fixedUri = e.fixedUri; // Extension.url in extension definitions
  return out;
}

function compactStructure(sd) {
  return {
    url: sd.url,
    name: sd.name,
    type: sd.type,
    kind: sd.kind,
    abstract: sd.abstract,
    baseDefinition: sd.baseDefinition,
    derivation: sd.derivation,
    context: sd.context,
    elements: sd.snapshot.element.map(compactElement),
  };
}

// ---------- structures: data types, resources, extensions, profiles ----------
const types = readBundle("Bundle-types.json").filter((r) => r.resourceType === "StructureDefinition");
const resources = readBundle("Bundle-resources.json").filter((r) => r.resourceType === "StructureDefinition");
const extensions = readBundle("Bundle-extensions.json").filter((r) => r.resourceType === "StructureDefinition");
const profiles = readBundle("Bundle-profiles-others.json").filter((r) => r.resourceType === "StructureDefinition");

// ---------- terminology: expand every value set that the package can expand by itself ----------
const terminology = [
  ...readBundle("Bundle-valuesets.json"),
  ...readBundle("Bundle-v2-valuesets.json"),
  ...readBundle("Bundle-v3-valuesets.json"),
];
const codeSystems = new Map();
const valueSets = new Map();
for (const r of terminology) {
  if (r.resourceType === "CodeSystem") codeSystems.set(r.url, r);
  if (r.resourceType === "ValueSet") valueSets.set(r.url, r);
}

// Flattens a code system into code -> { parents, display } (hierarchy from nesting and 'parent' properties).
const flatCache = new Map();
function flatten(cs) {
  if (flatCache.has(cs.url)) return flatCache.get(cs.url);
  const codes = new Map();
  const walk = (concepts, parent) => {
    for (const c of concepts || []) {
      const entry = codes.get(c.code) || { parents: new Set(), display: c.display, inactive: false };
      if (parent) entry.parents.add(parent);
      for (const p of c.property || []) {
        if ((p.code === "parent" || p.code === "subsumedBy") && p.valueCode) entry.parents.add(p.valueCode);
        if ((p.code === "status" && (p.valueCode === "retired" || p.valueCode === "deprecated")) ||
            (p.code === "inactive" && p.valueBoolean)) entry.inactive = true;
        if (p.code === "notSelectable" && p.valueBoolean) entry.abstract = true;
      }
      codes.set(c.code, entry);
      walk(c.concept, c.code);
    }
  };
  walk(cs.concept, null);
  flatCache.set(cs.url, codes);
  return codes;
}

function descendants(codes, root, includeSelf) {
  const children = new Map();
  for (const [code, e] of codes) for (const p of e.parents) {
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(code);
  }
  const out = new Set(includeSelf ? [root] : []);
  const stack = [root];
  while (stack.length) for (const c of children.get(stack.pop()) || []) if (!out.has(c)) { out.add(c); stack.push(c); }
  return out;
}

// Returns Map(system -> Set(code)) or null when the value set needs content the package lacks.
const expandCache = new Map();
function expand(url, depth = 0) {
  url = stripVersion(url);
  if (expandCache.has(url)) return expandCache.get(url);
  const vs = valueSets.get(url);
  if (!vs || !vs.compose || depth > 20) return null;
  expandCache.set(url, null); // cycle guard
  const result = new Map();
  const add = (sys, code) => { if (!result.has(sys)) result.set(sys, new Set()); result.get(sys).add(code); };
  const rows = (inc) => {
    const parts = [];
    if (inc.system) {
      const cs = codeSystems.get(inc.system);
      let codes;
      if (inc.concept) codes = new Set(inc.concept.map((c) => c.code));
      else {
        if (!cs || cs.content !== "complete") return null;
        const flat = flatten(cs);
        codes = new Set(flat.keys());
        for (const f of inc.filter || []) {
          let keep;
          if (f.property === "concept" && f.op === "is-a") keep = descendants(flat, f.value, true);
          else if (f.property === "concept" && f.op === "descendent-of") keep = descendants(flat, f.value, false);
          else if (f.property === "concept" && f.op === "is-not-a") {
            const d = descendants(flat, f.value, true); keep = new Set([...flat.keys()].filter((c) => !d.has(c)));
          } else if (f.property === "concept" && f.op === "in") keep = new Set(f.value.split(","));
          else return null;
          codes = new Set([...codes].filter((c) => keep.has(c)));
        }
      }
      parts.push(new Map([[inc.system, codes]]));
    }
    for (const ref of inc.valueSet || []) {
      const sub = expand(ref, depth + 1);
      if (!sub) return null;
      parts.push(sub);
    }
    if (parts.length === 0) return null;
    // several parts in one include intersect
    let acc = parts[0];
    for (const p of parts.slice(1)) {
      const next = new Map();
      for (const [sys, codes] of acc) if (p.has(sys)) next.set(sys, new Set([...codes].filter((c) => p.get(sys).has(c))));
      acc = next;
    }
    return acc;
  };
  for (const inc of vs.compose.include || []) {
    const r = rows(inc);
    if (!r) return null;
    for (const [sys, codes] of r) for (const c of codes) add(sys, c);
  }
  for (const exc of vs.compose.exclude || []) {
    const r = rows(exc);
    if (!r) return null;
    for (const [sys, codes] of r) for (const c of codes) result.get(sys)?.delete(c);
  }
  expandCache.set(url, result);
  return result;
}

const expansions = {};
let expandable = 0;
for (const url of [...valueSets.keys()].sort()) {
  const r = expand(url);
  if (!r) { expansions[url] = null; continue; }
  expandable++;
  const systems = {};
  for (const [sys, codes] of r) systems[sys] = [...codes].sort();
  expansions[url] = systems;
}

// Code system hierarchies, for subsumption (:below / :above) and display lookups.
const hierarchies = {};
for (const [url, cs] of [...codeSystems].sort()) {
  if (cs.content !== "complete") continue;
  const concepts = {};
  for (const [code, e] of flatten(cs)) {
    const c = {};
    if (e.display) c.display = e.display;
    if (e.parents.size) c.parents = [...e.parents];
    if (e.inactive) c.inactive = true;
    concepts[code] = c;
  }
  hierarchies[url] = { caseSensitive: cs.caseSensitive !== false, concepts };
}

// ---------- search parameters ----------
const searchParameters = readBundle("Bundle-searchParams.json").map((sp) => {
  const out = { url: sp.url, code: sp.code, base: sp.base, type: sp.type };
  if (sp.expression) out.expression = sp.expression;
  if (sp.target) out.target = sp.target;
  if (sp.modifier) out.modifier = sp.modifier;
  if (sp.comparator) out.comparator = sp.comparator;
  if (sp.multipleOr === false) out.multipleOr = false;
  if (sp.multipleAnd === false) out.multipleAnd = false;
  if (sp.component) out.component = sp.component.map((c) => ({ definition: c.definition, expression: c.expression }));
  return out;
});

// ---------- compartments ----------
const compartments = readBundle("Bundle-resources.json")
  .filter((r) => r.resourceType === "CompartmentDefinition")
  .map((c) => ({ code: c.code, resource: c.resource.filter((r) => r.param).map((r) => ({ code: r.code, param: r.param })) }));

fs.mkdirSync(outDir, { recursive: true });
const write = (name, data) => fs.writeFileSync(path.join(outDir, name), JSON.stringify(data) + "\n");
write("structures.json", {
  fhirVersion: "4.0.1",
  source: "hl7.fhir.r4.examples@4.0.1",
  types: types.map(compactStructure),
  resources: resources.map(compactStructure),
});
write("extensions.json", extensions.map(compactStructure));
write("profiles.json", profiles.map(compactStructure));
write("valuesets.json", expansions);
write("codesystems.json", hierarchies);
write("search-parameters.json", searchParameters);
write("compartments.json", compartments);
console.log(`structures: ${types.length} types, ${resources.length} resources, ${extensions.length} extensions, ${profiles.length} profiles; ` +
  `value sets: ${expandable} of ${valueSets.size} expandable; code systems: ${Object.keys(hierarchies).length}; ` +
  `search parameters: ${searchParameters.length}; compartments: ${compartments.length}`);
