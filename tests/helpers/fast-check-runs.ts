// FC_RUNS=<n> runs every property test that does not set its own numRuns n times instead of fast-check's 100:
// a deep run that finds the rare counterexamples a CI run would otherwise meet by chance (scripts/flake-hunt.sh).
import fc from "fast-check";

const runs = Number(process.env.FC_RUNS);
if (Number.isInteger(runs) && runs > 0) fc.configureGlobal({ numRuns: runs });
