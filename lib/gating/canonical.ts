// Deterministic JSON for hashing snapshots and audit entries: the same value
// always gives the same bytes, whatever the key order it was built in.
// Anything JSON.stringify would silently drop or mangle is refused instead,
// because a hash over a lossy encoding would not detect the loss.

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function encode(value: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
      return JSON.stringify(value); // -0 becomes 0, as in JSON.stringify
    case "bigint":
      return JSON.stringify(value.toString());
    case "undefined":
    case "function":
    case "symbol":
      throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
  }
  if (value === null) return "null";
  const obj = value as object;
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) throw new TypeError("canonicalJson: invalid Date");
    return JSON.stringify(obj.toISOString());
  }
  if (seen.has(obj)) throw new TypeError("canonicalJson: circular structure");
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      // undefined in an array keeps its place as null, as JSON.stringify does.
      return `[${obj.map((item) => (item === undefined ? "null" : encode(item, seen))).join(",")}]`;
    }
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return encode(toJSON.call(obj), seen); // e.g. Prisma's Decimal
    if (!isPlainObject(obj))
      throw new TypeError(`canonicalJson: cannot encode a ${obj.constructor?.name ?? "non-plain object"}`);
    const record = obj as Record<string, unknown>;
    // Default sort compares UTF-16 code units, as RFC 8785 (JCS) does.
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(record[k], seen)}`).join(",")}}`;
  } finally {
    seen.delete(obj);
  }
}

/** Sorted keys, no undefined properties, Dates as ISO strings, BigInt as strings, no whitespace. */
export function canonicalJson(value: unknown): string {
  return encode(value, new Set());
}
