// Issue 25, "Deliver" 5: the audit log for people at 1440 px. Agent and Action read in full, the
// expanded row gives the rationale as text, sign-ins stay out of the way unless asked for (in the URL),
// and the CSV the page downloads names what the ids mean.
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { AUDIT_CSV_HEADER, parseCsv } from "../tests/helpers/csv";
import { screenshot, signIn } from "./helpers";

const HEADER = AUDIT_CSV_HEADER;

/** The Agent (4th) and Action type (5th) cells whose content does not fit their box. */
async function truncatedCells(page: Page) {
  return page.getByTestId("audit-row").evaluateAll((rows) =>
    rows.flatMap((r) =>
      [3, 4]
        .map((i) => r.children[i] as HTMLElement)
        .filter((td) => td.scrollWidth > td.clientWidth)
        .map((td) => td.textContent ?? ""),
    ),
  );
}

const kinds = (page: Page) =>
  page.getByTestId("audit-row").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind ?? ""));

test("audit at 1440 px: names in full, rationale as text, sign-ins on request, a CSV for people", async ({
  browser,
}) => {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await signIn(page, "auditor@demo.local", "/audit");
  await expect(page).toHaveURL(/\/audit/);
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toBeVisible();
  await expect(page.getByTestId("chain-badge")).toBeVisible();
  await screenshot(page, process.env.AUDIT_SHOT ?? "audit-1440-after");

  // Agent and Action type read in full (the demo's action types: refund.issue, contract.amend, …).
  await page.goto("/audit?kind=tier.");
  await expect(rows.first()).toBeVisible();
  expect(await truncatedCells(page)).toEqual([]);
  await page.goto("/audit");
  await expect(rows.first()).toBeVisible();
  expect(await truncatedCells(page)).toEqual([]);

  // Sign-ins are out of the way by default (this very sign-in is one), shown on request, in the URL.
  expect(await kinds(page)).not.toContain("user.login");
  const filters = page.getByRole("form", { name: "Filters" });
  await filters.getByLabel("Sign-ins").selectOption("include");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/signins=include/);
  await expect(page.locator('[data-testid="audit-row"][data-kind="user.login"]').first()).toBeVisible();
  await page.reload();
  await expect(page.getByRole("form", { name: "Filters" }).getByLabel("Sign-ins")).toHaveValue("include");
  await page.goto("/audit");

  // The expanded row gives the rationale as text, not only inside the raw JSON.
  await page.goto("/audit?kind=tier.freeze");
  const freeze = rows.first();
  await freeze.locator("details > summary").click();
  await expect(freeze.getByTestId("audit-rationale")).toHaveText(
    "Freezing during the database platform upgrade; no autonomy changes until it is done.",
  );

  // The CSV follows the page's default (no sign-ins) and names what the ids mean.
  await page.goto("/audit");
  await expect(rows.first()).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  const [header, ...body] = parseCsv(await readFile((await download.path())!, "utf8"));
  expect(header).toEqual(HEADER);
  expect(body.length).toBeGreaterThan(0);
  const col = (name: string) => HEADER.indexOf(name);
  expect(body.map((r) => r[col("kind")])).not.toContain("user.login");
  const tiers = body.filter((r) => r[col("kind")]!.startsWith("tier."));
  expect(tiers.length).toBeGreaterThan(0);
  for (const r of tiers) {
    expect(r).toHaveLength(HEADER.length);
    expect(r[col("actionKey")]).toMatch(/^[a-z]+\.[a-z_.]+$/);
    expect(r[col("agentSlug")]).toMatch(/-bot$/);
    expect(r[col("summary")]).not.toBe("");
  }
  await page.context().close();
});
