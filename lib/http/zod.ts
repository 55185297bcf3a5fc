// Moved to lib/errors/zod.ts (domain code reports field problems too). Re-exported for one step.
export { zodDetails } from "@/lib/errors/zod";
