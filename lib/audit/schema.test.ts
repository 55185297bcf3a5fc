// The audit filter as it arrives in a query string: anything malformed is a 422 (an AppError), never a throw.
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { parseAuditQuery } from "./schema";

const parse = (q: string) => () => parseAuditQuery(`http://localhost/api/dashboard/audit?${q}`);

describe("parseAuditQuery", () => {
  it("refuses a malformed or out-of-range sequence number as a validation error", () => {
    // "-1null" once reached BigInt() after the regex had already failed (found by the fuzz: a 500).
    for (const before of ["-1null", "abc", "1e5", "", "9999999999999999999", "12345678901234567890"]) {
      expect(parse(`before=${encodeURIComponent(before)}`), before).toThrow(AppError);
    }
  });

  it("accepts a sequence number the log can have", () => {
    expect(parseAuditQuery("http://localhost/x?before=9223372036854775807").before).toBe("9223372036854775807");
  });
});
