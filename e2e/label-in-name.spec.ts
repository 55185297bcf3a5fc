// WCAG 2.5.3 (label in name): on every page with forms, for every input, select, textarea and button with a
// visible label, the accessible name contains the visible label's text, so "say what you see" voice control
// and screen-reader users meet the words sighted users read.
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

interface Field {
  index: number;
  tag: string;
  label: string;
}

/**
 * Marks every visible form control on the page and returns its visible label: a button's own text, or the
 * visible text of the control's <label>s without the text of controls inside them (a select's options).
 */
function visibleLabels(page: Page): Promise<Field[]> {
  return page.evaluate(() => {
    const controls = "input, select, textarea, button";
    const visibleText = (root: Element): string => {
      const parts: string[] = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const parent = n.parentElement;
        if (!parent || parent.closest("option, select, textarea")) continue;
        if (root.tagName !== "BUTTON" && parent.closest(controls) !== null && parent.closest(controls) !== root)
          continue;
        if (!parent.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
        parts.push(n.textContent ?? "");
      }
      return parts.join("").replace(/\s+/g, " ").trim();
    };
    const fields: Field[] = [];
    document.querySelectorAll<HTMLElement>(controls).forEach((el, index) => {
      if (el instanceof HTMLInputElement && el.type === "hidden") return;
      if (!el.checkVisibility()) return;
      const labels =
        el instanceof HTMLButtonElement
          ? [visibleText(el)]
          : [...((el as HTMLInputElement).labels ?? [])].map((l) => visibleText(l));
      // A label of symbols only ("×", "▾") is not text a person would speak.
      const label = labels
        .join(" ")
        .replace(/[\s:*]+$/, "")
        .trim();
      if (!/[\p{L}\p{N}]/u.test(label)) return;
      el.setAttribute("data-label-in-name", String(index));
      fields.push({ index, tag: el.tagName.toLowerCase(), label });
    });
    return fields;
  });
}

/** The label as a pattern that ignores white space (a unit after the field is read "bar (CRAWL→) %"). */
const pattern = (label: string) =>
  new RegExp([...label.replace(/\s+/g, "")].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s*"), "iu");

/** The fields on the page whose accessible name does not contain their visible label. */
async function mismatches(page: Page, where: string): Promise<{ checked: number; bad: string[] }> {
  const fields = await visibleLabels(page);
  const bad: string[] = [];
  for (const f of fields) {
    const el = page.locator(`[data-label-in-name="${f.index}"]`);
    try {
      await expect(el).toHaveAccessibleName(pattern(f.label), { timeout: 250 });
    } catch {
      const snapshot = (await el.ariaSnapshot()).split("\n")[0];
      bad.push(`${where}: ${f.tag} labelled "${f.label}" is named ${snapshot}`);
    }
  }
  return { checked: fields.length, bad };
}

async function check(page: Page, path: string, found: string[]): Promise<number> {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  const { checked, bad } = await mismatches(page, path);
  found.push(...bad);
  return checked;
}

async function hrefOf(page: Page, path: string, selector: string): Promise<string> {
  await page.goto(path);
  return (await page.locator(selector).first().getAttribute("href"))!;
}

const row = (key: string) => `[data-testid="overview-row"][data-action-key="${key}"] a`;

test("signed out: the sign-in form", async ({ page }) => {
  const found: string[] = [];
  expect(await check(page, "/signin", found)).toBeGreaterThanOrEqual(3);
  expect(found).toEqual([]);
});

test("admin: every page with forms", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "admin@demo.local");
  const found: string[] = [];
  let checked = 0;
  const at = await hrefOf(page, "/", row("scale.adjust"));
  const paths = [
    "/",
    at,
    `${at}/policy`,
    "/requests?status=all",
    await hrefOf(page, "/requests?status=all", '[data-testid="request-row"] a'),
    "/suggestions",
    "/audit",
    "/admin/agents",
    "/admin/agents/support-bot",
    "/admin/keys",
    "/admin/users",
    "/admin/notifications",
  ];
  for (const path of paths) checked += await check(page, path, found);
  // The forms a click opens: the overview's demote form.
  await page.goto("/");
  await page.getByRole("button", { name: "Demote", exact: true }).first().click();
  const demote = await mismatches(page, "/ (demote form)");
  checked += demote.checked;
  found.push(...demote.bad);
  expect(checked).toBeGreaterThan(60);
  expect(found).toEqual([]);
});

test("viewer, reviewer and operator: the pages they see", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const found: string[] = [];
  await signIn(page, "viewer@demo.local");
  const at = await hrefOf(page, "/", row("refund.issue"));
  for (const path of ["/", at, `${at}/policy`, "/requests?status=all"]) await check(page, path, found);
  for (const [email, paths] of [
    ["reviewer1@demo.local", ["/requests?status=awaiting"]],
    ["operator@demo.local", ["/suggestions"]],
    ["auditor@demo.local", ["/audit"]],
  ] as const) {
    const other = await (await browser.newContext()).newPage();
    await signIn(other, email);
    for (const path of paths) await check(other, path, found);
    if (email === "reviewer1@demo.local")
      await check(other, await hrefOf(other, "/requests?status=awaiting", '[data-testid="request-row"] a'), found);
    await other.context().close();
  }
  expect(found).toEqual([]);
});
