// The document says what a reporter key is for (issue 22 item 4): an event's source comes from the
// key, never the body; the agent's read routes answer a reporter key 403; the tier stream carries
// `proposal_decided`.
import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/http/openapi";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const doc = openApiDocument() as any;

describe("the OpenAPI document on evidence by source", () => {
  it("says the events route takes each event's source from the key", () => {
    const op = doc.paths["/api/v1/events"].post;
    const text = `${op.summary} ${op.description ?? ""}`;
    expect(text).toMatch(/source/);
    expect(text).toMatch(/reporter:<key id>/);
    expect(text).toMatch(/never from the body/);
  });

  it("declares 403 for a reporter key on every agent read route", () => {
    const reads: Array<[string, string]> = [
      ["/api/v1/tiers", "get"],
      ["/api/v1/tiers/{actionKey}", "get"],
      ["/api/v1/tiers/stream", "get"],
      ["/api/v1/decisions", "post"],
      ["/ofrep/v1/evaluate/flags", "post"],
      ["/ofrep/v1/evaluate/flags/{key}", "post"],
    ];
    for (const [path, method] of reads) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.responses["403"], `${method} ${path}`).toBeDefined();
    }
  });

  it("names proposal_decided on the tier stream", () => {
    expect(doc.paths["/api/v1/tiers/stream"].get.summary).toMatch(/proposal_decided/);
  });
});
