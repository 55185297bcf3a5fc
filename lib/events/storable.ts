// What the database cannot store (or a record cannot hold), found before any of it reaches zod or PostgreSQL. Without this,
// a NUL character (text and jsonb refuse U+0000), a lone surrogate (not encodable as UTF-8), a
// year 0000 (PostgreSQL has no year 0) or metadata nested thousands of levels deep (JSON.stringify
// overflows the stack) turned one bad event into a 500 for its whole batch, on every retry.
// The walk is iterative, so no depth can overflow it.

export interface Unstorable {
  path: string;
  message: string;
}

/** Deeper than this no valid event can be (metadata is at most 8 levels); zod explains the rest. */
const MAX_WALK_DEPTH = 32;

const hasNul = (s: string) => s.includes("\u0000");
const wellFormed = (s: string) =>
  (s as string & { isWellFormed?: () => boolean }).isWellFormed?.() ??
  !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""));

/** The first value in a parsed JSON document that cannot be stored, or null. */
export function findUnstorable(value: unknown, root = "(body)"): Unstorable | null {
  const stack: Array<{ v: unknown; path: string[]; depth: number }> = [{ v: value, path: [], depth: 0 }];
  const where = (p: string[]) => (p.length ? p.join(".") : root);
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === "string") {
      if (hasNul(v)) return { path: where(path), message: "must not contain the NUL character (U+0000)" };
      if (!wellFormed(v)) return { path: where(path), message: "must be well-formed Unicode (no lone surrogates)" };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (depth >= MAX_WALK_DEPTH)
      return {
        path: where(path.slice(0, 1)),
        message:
          path[0] === "metadata"
            ? "metadata must be at most 8 levels deep"
            : `must not be nested ${MAX_WALK_DEPTH} levels deep`,
      };
    const entries: Array<[string, unknown]> = Array.isArray(v) ? v.map((c, i) => [String(i), c]) : Object.entries(v);
    for (const [k, c] of entries) {
      if (!Array.isArray(v)) {
        if (hasNul(k))
          return {
            path: where([...path, k.replace(/\u0000/g, "\\u0000")]),
            message: "a field name must not contain the NUL character (U+0000)",
          };
        if (!wellFormed(k))
          return { path: where(path), message: "a field name must be well-formed Unicode (no lone surrogates)" };
        // JSON.parse keeps "__proto__" as an own key, but copying it into a record drops it: refuse
        // it rather than lose data without a word.
        if (k === "__proto__") return { path: where([...path, k]), message: "a field must not be named __proto__" };
      }
      stack.push({ v: c, path: [...path, k], depth: depth + 1 });
    }
  }
  return null;
}

/** An ISO 8601 timestamp PostgreSQL cannot hold (it has no year 0; z.iso.datetime allows 0000). */
export function outOfDatabaseRange(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const t = Date.parse(value);
  return Number.isFinite(t) && new Date(t).getUTCFullYear() < 1;
}
