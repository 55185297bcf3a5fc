import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "../lib/auth/demo-accounts";

/** The e2e server that runs the live demo (playwright.config.ts's second web server). */
export const DEMO_BASE_URL = `http://localhost:${Number(process.env.E2E_DEMO_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 1)}`;

export async function signIn(page: Page, email: string, returnTo = "/") {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}

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
