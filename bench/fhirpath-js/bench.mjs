// fhirpath.js side of the FHIRPath benchmark: compiles each case of ../fhirpath-cases.json once with the
// R4 model, then evaluates it on its pre-parsed input for a fixed time, single-threaded, the same way the
// C# side does (warm-up, then timed batches). Prints one JSON object per line: name, evaluations/s, result size.
// Usage: node bench.mjs CASES_JSON PACKAGE_DIR [MILLISECONDS_PER_CASE]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fhirpath from "fhirpath";
import r4 from "fhirpath/fhir-context/r4/index.js";

const [casesPath, packageDir, msArg] = process.argv.slice(2);
if (!casesPath || !packageDir) {
  console.error("usage: node bench.mjs CASES_JSON PACKAGE_DIR [MILLISECONDS_PER_CASE]");
  process.exit(2);
}
const measureMs = Number(msArg ?? 1000);
const { cases } = JSON.parse(readFileSync(casesPath, "utf8"));

function opsPerSecond(run, ms) {
  const warmUpEnd = performance.now() + Math.min(300, ms / 2);
  while (performance.now() < warmUpEnd) run();
  let batch = 16, count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) run();
    count += batch;
    elapsed = performance.now() - start;
    if (elapsed < ms / 20) batch *= 2;
  }
  return (count * 1000) / elapsed;
}

for (const c of cases) {
  const resource = JSON.parse(readFileSync(join(packageDir, c.input), "utf8"));
  let line;
  try {
    const compiled = fhirpath.compile(c.expression, r4);
    // %resource is the input, as the validator and the search indexer set it
    const env = { resource };
    const result = compiled(resource, env);
    const rate = opsPerSecond(() => compiled(resource, env), measureMs);
    line = { name: c.name, opsPerSecond: rate, resultCount: result.length };
  } catch (e) {
    line = { name: c.name, error: String(e.message ?? e).split("\n")[0] };
  }
  console.log(JSON.stringify(line));
}
