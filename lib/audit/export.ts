// Streamed CSV / JSON exports of the audit log (no full load into memory).
import type { AuditExportRow } from "./data";

/** The stored fields, in the order tools read them since the first release. */
const MACHINE_COLUMNS = [
  "seq",
  "createdAt",
  "actorType",
  "actorLabel",
  "kind",
  "entityType",
  "entityId",
  "agentId",
  "actionTypeId",
  "data",
  "prevHash",
  "hash",
] as const;

/** What a person reads: names for the ids, the entry in one line, the rationale as text (after, so positions hold). */
const READABLE_COLUMNS = [
  "agentSlug",
  "agentName",
  "actionKey",
  "actionName",
  "actorName",
  "summary",
  "rationale",
] as const;

export const CSV_COLUMNS = [...MACHINE_COLUMNS, ...READABLE_COLUMNS] as const;

/** RFC 4180 quoting; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(row: AuditExportRow): string {
  return CSV_COLUMNS.map((c) => csvCell(row[c])).join(",") + "\r\n";
}

export function exportStream(rows: AsyncIterable<AuditExportRow>, format: "csv" | "json"): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = rows[Symbol.asyncIterator]();
  let first = true;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(format === "csv" ? CSV_COLUMNS.join(",") + "\r\n" : "["));
      }
      // Pull a chunk of rows per call so backpressure reaches the database reads.
      let chunk = "";
      for (let i = 0; i < 500; i++) {
        const next = await iterator.next();
        if (next.done) {
          controller.enqueue(encoder.encode(chunk + (format === "json" ? (first ? "]" : "\n]") : "")));
          controller.close();
          return;
        }
        chunk += format === "csv" ? csvLine(next.value) : `${first ? "\n" : ",\n"}${JSON.stringify(next.value)}`;
        first = false;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
}
