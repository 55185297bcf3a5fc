// Reads the vitest JSON reports of a flake hunt (scripts/flake-hunt.sh) and prints every test that failed at
// least once, how often, and its first failure message. Exits 1 when any test failed, or a run left no report.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const dir = process.argv[2];
const reports = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();
const failures = new Map();
let passed = 0;
let missing = 0;
for (const file of reports) {
  let report;
  try {
    report = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
  } catch {
    missing++;
    console.log(`${file}: no readable report (the run crashed; see its .log)`);
    continue;
  }
  for (const suite of report.testResults ?? []) {
    const where = path.relative(process.cwd(), suite.name);
    if (suite.status === "failed" && (suite.assertionResults ?? []).every((t) => t.status !== "failed"))
      note(`${where} (the file itself failed to run)`, file, suite.message);
    for (const t of suite.assertionResults ?? []) {
      if (t.status === "passed") passed++;
      if (t.status === "failed") note(`${where} > ${t.fullName}`, file, (t.failureMessages ?? [])[0]);
    }
  }
}
function note(name, file, message) {
  const seen = failures.get(name) ?? { runs: [], message: String(message ?? "").split("\n")[0] };
  seen.runs.push(file.replace(/\.json$/, ""));
  failures.set(name, seen);
}
console.log(`\n${reports.length} reports, ${passed} test results passed`);
if (failures.size === 0 && missing === 0) {
  console.log("0 failures: no test failed in any run.");
  process.exit(0);
}
console.log(`${failures.size} test(s) failed at least once:`);
for (const [name, { runs, message }] of failures) console.log(`- ${name}\n    in ${runs.join(", ")}: ${message}`);
process.exit(1);
