import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, csvLine, CSV_COLUMNS, exportStream } from "./export";
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

/** RFC 4180 as a spreadsheet reads it: quoted cells hold commas, doubled quotes and line breaks. */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else if (c === "\r" && line[i + 1] === "\n" && i + 2 === line.length) break;
    else if (c === "\r" || c === "\n") throw new Error(`an unquoted line break splits the row at ${i}`);
    else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** What an auditor reads in the cell: the text itself, a would-be formula behind a quote. */
const shown = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

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

  it("any text, rationale or summary alike, comes back from its cell whole, and never as a formula (property)", () => {
    const anyText = fc.string({ unit: fc.constantFrom("a", " ", ",", '"', "\n", "\r", "=", "+", "-", "@", "\t", "é") });
    fc.assert(
      fc.property(anyText, anyText, anyText, (rationale, summary, agentName) => {
        const cells = parseCsvLine(csvLine({ ...row(1), rationale, summary, agentName }));
        expect(cells).toHaveLength(CSV_COLUMNS.length);
        const at = (c: (typeof CSV_COLUMNS)[number]) => cells[CSV_COLUMNS.indexOf(c)];
        expect(at("rationale")).toBe(shown(rationale));
        expect(at("summary")).toBe(shown(summary));
        expect(at("agentName")).toBe(shown(agentName));
        for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
      }),
      { numRuns: 500 },
    );
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
