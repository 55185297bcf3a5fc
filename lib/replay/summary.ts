// The replay as pages show it (lib/replay/data.ts reads and folds; lib/replay/sentence.ts says it).
export { replaySummary } from "./data";
export type { ReplayPoint, ReplaySummary } from "./sentence";
export { replaySentence } from "./sentence";
