// The audit CSV as its readers see it: shared by the integration and browser tests of the export.

/** The audit CSV's header: the machine columns, then (issue 25) the columns for people; positions hold. */
export const AUDIT_CSV_HEADER = [
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
  "agentSlug",
  "agentName",
  "actionKey",
  "actionName",
  "actorName",
  "summary",
  "rationale",
];

/** RFC 4180 as a spreadsheet reads it: quoted cells hold commas, doubled quotes and line breaks; rows end in CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") endCell();
    else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      if (c === "\r") i++;
      endCell();
      rows.push(row);
      row = [];
    } else cell += c;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}
