// The replay as pages show it (lib/replay/compare.ts reads, folds in the worker and caches; lib/replay/sentence.ts says it).
export { replaySummary } from "./compare";
export type { ReplayPoint, ReplayRunSummary, ReplaySummary } from "./sentence";
export { replayComparison, replaySentence } from "./sentence";
