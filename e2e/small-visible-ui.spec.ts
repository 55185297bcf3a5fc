// Issue 25, "Small but visible": each defect a person saw at 1440 or 1024 px, as a step that catches it.
// Screenshots go to e2e/screenshots/<name>-<SCREENSHOT_TAG ?? "after">.png (a "before" run on the unchanged build
// sets SCREENSHOT_TAG=before), so the pair shows the change.
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

const TAG = process.env.SCREENSHOT_TAG ?? "after";

async function shot(page: Page, name: string, fullPage = false) {
  await page.screenshot({ path: `e2e/screenshots/${name}-${TAG}.png`, fullPage });
}

/** Every seeded action type's page, as [key, href], read from the overview. */
async function actionTypePages(page: Page): Promise<Array<[string, string]>> {
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  return page
    .getByTestId("action-link")
    .evaluateAll((links) =>
      links.map(
        (a) => [a.closest("tr")!.getAttribute("data-action-key")!, a.getAttribute("href")!] as [string, string],
      ),
    );
}

async function openActionType(page: Page, href: string) {
  await page.goto(href);
  await page.waitForLoadState("networkidle");
  await page.mouse.move(0, 0);
}

test("overview at 1024 px: every Act button is on screen and the table fits its box", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await signIn(page, "admin@demo.local");
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  await shot(page, "overview-1024");
  const fit = await page.getByTestId("overview-table").evaluate((t) => {
    const box = t.parentElement!;
    return { table: box.scrollWidth, box: box.clientWidth, viewport: document.documentElement.clientWidth };
  });
  expect(fit.table, "the table is no wider than its box (no hidden columns)").toBeLessThanOrEqual(fit.box);
  const buttons = await page
    .getByTestId("overview-row")
    .getByRole("button", { name: /^(Freeze|Unfreeze|Demote)$/ })
    .all();
  expect(buttons.length).toBeGreaterThan(10);
  for (const b of buttons) {
    const box = (await b.boundingBox())!;
    expect(box.x, `${await b.textContent()} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${await b.textContent()} ends on screen`).toBeLessThanOrEqual(fit.viewport);
  }
});

/**
 * Labels drawn inside a chart (reference-line and marker labels) that cross its data line: the line's path is
 * sampled every 2 px, and a label crosses it when a sample falls inside the label's box (SVG user units).
 */
async function labelsCrossingData(page: Page, chart: string, line: string): Promise<string[]> {
  const el = page.getByTestId(chart);
  if ((await el.count()) === 0) return [];
  return el.evaluate((root, selector) => {
    const path = root.querySelector<SVGPathElement>(selector);
    // No line, or one with no points yet (an action type another spec made, with no outcomes): nothing to cross.
    if (!path || !path.getAttribute("d")) return [];
    const points: DOMPoint[] = [];
    for (let at = 0; at <= path.getTotalLength(); at += 2) points.push(path.getPointAtLength(at));
    return [...root.querySelectorAll<SVGTextElement>("svg .recharts-reference-line text, svg .recharts-label")]
      .filter((t) => {
        const b = t.getBBox();
        return points.some((p) => p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height);
      })
      .map((t) => `"${t.textContent}" crosses the line`);
  }, line);
}

test("chart labels are not drawn through the data, at 1440 and 1024 px", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "admin@demo.local");
  const pages = await actionTypePages(page);
  const problems: string[] = [];
  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [key, href] of pages) {
      await openActionType(page, href);
      if (width === 1024 && key === "email.send") await shot(page, "chart-labels-1024", true);
      for (const p of await labelsCrossingData(page, "evidence-chart", ".recharts-line-curve"))
        problems.push(`${width} ${key} evidence chart: ${p}`);
      for (const p of await labelsCrossingData(page, "rate-chart", 'path[name$="success rate"]'))
        problems.push(`${width} ${key} rate chart: ${p}`);
    }
  }
  expect(problems).toEqual([]);
  // The bar's words are still there, beside the chart rather than on it.
  await openActionType(page, new Map(pages).get("refund.issue")!);
  await expect(page.getByTestId("evidence-chart")).toContainText("the gate clears above this line");
});

/** WCAG contrast ratio of two computed CSS colours ("rgb(…)" / "rgba(…)"). */
function contrast(fg: string, bg: string): number {
  const lum = (css: string) => {
    const [r, g, b] = css
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [a, b] = [lum(fg), lum(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

test("the rate chart's tooltip (band and rate) is readable: contrast at least 4.5:1", async ({ page }) => {
  await signIn(page, "admin@demo.local");
  const pages = new Map(await actionTypePages(page));
  await openActionType(page, pages.get("refund.issue")!);
  const plot = (await page.getByTestId("rate-chart").locator("svg.recharts-surface").boundingBox())!;
  await page.mouse.move(plot.x + plot.width * 0.6, plot.y + plot.height / 2);
  const tooltip = page.getByTestId("rate-chart").locator(".recharts-default-tooltip");
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText("confidence sequence");
  await shot(page, "band-tooltip");
  const colours = await tooltip.evaluate((t) => ({
    background: getComputedStyle(t).backgroundColor,
    items: [...t.querySelectorAll(".recharts-tooltip-item, .recharts-tooltip-label")].map((i) => ({
      text: i.textContent ?? "",
      color: getComputedStyle(i).color,
    })),
  }));
  for (const item of colours.items)
    expect(contrast(item.color, colours.background), `"${item.text}" in ${item.color}`).toBeGreaterThanOrEqual(4.5);
});

test("the evidence chart's y-axis labels at 1024 px: one line each, apart, inside the chart", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1024, height: 900 });
  await signIn(page, "admin@demo.local");
  const problems: string[] = [];
  let charts = 0;
  for (const [key, href] of await actionTypePages(page)) {
    await openActionType(page, href);
    const chart = page.getByTestId("evidence-chart");
    if ((await chart.locator("svg").count()) === 0) continue;
    charts++;
    if (key === "refund.issue") await shot(page, "evidence-ticks-1024", true);
    const found = await chart.evaluate((root) => {
      const svg = root.querySelector("svg.recharts-surface")!.getBoundingClientRect();
      const ticks = [...root.querySelectorAll<SVGTextElement>(".recharts-yAxis-tick-labels text")].map((t) => ({
        text: t.textContent ?? "",
        box: t.getBoundingClientRect(),
        size: parseFloat(getComputedStyle(t).fontSize),
      }));
      const out: string[] = [];
      if (ticks.length < 2) out.push(`only ${ticks.length} tick label(s)`);
      for (const t of ticks) {
        if (t.box.height > 1.6 * t.size) out.push(`"${t.text}" wraps onto more than one line`);
        if (t.box.left < svg.left || t.box.top < svg.top || t.box.bottom > svg.bottom)
          out.push(`"${t.text}" is cut off`);
      }
      for (let i = 0; i < ticks.length; i++)
        for (let j = i + 1; j < ticks.length; j++) {
          const [a, b] = [ticks[i]!, ticks[j]!];
          if (
            a.box.left < b.box.right &&
            b.box.left < a.box.right &&
            a.box.top < b.box.bottom &&
            b.box.top < a.box.bottom
          )
            out.push(`"${a.text}" overlaps "${b.text}"`);
        }
      return out;
    });
    problems.push(...found.map((f) => `${key}: ${f}`));
  }
  expect(charts).toBeGreaterThan(3);
  expect(problems).toEqual([]);
});

// Chosen: the demote form is a modal dialog (over the page, not over one row), its focus kept inside while it is
// open, closed by Escape with the focus back on the button that opened it.
test("the demote form is a modal dialog: it takes and keeps the focus, and Escape closes it", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "admin@demo.local");
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  const demote = page.getByTestId("overview-row").getByRole("button", { name: "Demote", exact: true }).first();
  await demote.click();
  const form = page.getByRole("dialog");
  await expect(form.getByRole("textbox")).toBeVisible();
  await shot(page, "demote-form");
  await expect(form.getByRole("textbox")).toBeFocused();
  expect(await form.evaluate((d) => d.matches(":modal") || d.getAttribute("aria-modal") === "true")).toBe(true);
  // The rows below cannot be reached while it is open: a click there lands on the dialog's layer, and Tab stays in it.
  const next = page.getByTestId("overview-row").nth(1).getByRole("link").first();
  await expect(next.click({ trial: true, timeout: 1_000 })).rejects.toThrow();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    expect(await form.evaluate((d) => d.contains(document.activeElement)), `focus after ${i + 1} Tab(s)`).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(form).toHaveCount(0);
  await expect(demote).toBeFocused();
});
