import { describe, expect, it } from "vitest";
import { csvCell, exportStream } from "./export";
import type { AuditExportRow } from "./data";

const row = (seq: number, data: unknown = { a: 1 }): AuditExportRow => ({
  seq: String(seq),
  createdAt: "2026-01-01T00:00:00.000Z",
  actorType: "user",
  actorId: null,
  actorLabel: "a@b",
  kind: "k",
  entityType: "e",
  entityId: "x",
  agentId: null,
  actionTypeId: null,
  data,
  hash: "h",
  prevHash: "p",
  agentSlug: null,
  agentName: null,
  actionKey: null,
  actionName: null,
  actorName: "A <a@b>",
  summary: "a@b: k",
  rationale: "",
});

async function* rows(n: number) {
  for (let i = 1; i <= n; i++) yield row(i);
}

async function text(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

describe("audit export", () => {
  it("quotes CSV cells and defuses spreadsheet formulas", () => {
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell(null)).toBe("");
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it("streams valid JSON for zero, one and many rows", async () => {
    expect(JSON.parse(await text(exportStream(rows(0), "json")))).toEqual([]);
    expect(JSON.parse(await text(exportStream(rows(1), "json")))).toHaveLength(1);
    const many = JSON.parse(await text(exportStream(rows(1234), "json"))) as AuditExportRow[];
    expect(many.map((r) => Number(r.seq))).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
  });

  it("streams one CSV line per row after the header", async () => {
    const csv = await text(exportStream(rows(3), "csv"));
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe(
      "seq,createdAt,actorType,actorLabel,kind,entityType,entityId,agentId,actionTypeId,data,prevHash,hash," +
        "agentSlug,agentName,actionKey,actionName,actorName,summary,rationale",
    );
    expect(lines).toHaveLength(4);
  });
});
