// Every page, at 1440 px and 1024 px: axe finds no serious or critical violation (the test fails on
// one), every page has its own <title>, and a screenshot of each goes to e2e/screenshots/ for a look.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

const WIDTHS = [1440, 1024] as const;
const titles = new Map<string, string>();

/** `open` puts the page in a state worth checking too (a form or tooltip that a click or hover opens). */
async function check(page: Page, name: string, path: string, open?: (page: Page) => Promise<void>) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await page.waitForLoadState("networkidle");
    await page.mouse.move(0, 0);
    if (open) await open(page);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    const report = bad.map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(" | ")}`,
    );
    await page.screenshot({ path: `e2e/screenshots/a11y-${name}-${width}.png`, fullPage: true });
    expect(report, `${path} at ${width}px`).toEqual([]);
  }
  if (open) return; // the page itself was checked (and titled) without the layer
  const title = await page.title();
  expect(title, `${path} has a title of its own`).not.toBe("Crawl · Walk · Run");
  for (const [other, t] of titles) if (other !== path) expect(t, `${path} and ${other} share a title`).not.toBe(title);
  titles.set(path, title);
}

async function hrefOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().getAttribute("href"))!;
}

test("signed out: sign-in page", async ({ page }) => {
  await check(page, "signin", "/signin");
});

test("viewer pages", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "viewer@demo.local");
  await check(page, "overview", "/");
  const at = await hrefOf(page, '[data-testid="overview-row"][data-action-key="refund.issue"] a');
  await check(page, "action-type", at);
  await check(page, "policy-read-only", `${at}/policy`);
  await check(page, "requests", "/requests?status=all");
  await page.goto("/requests?status=all");
  await check(page, "request", await hrefOf(page, '[data-testid="request-row"] a'));
  await check(page, "forbidden", "/forbidden?need=admin%3Amanage");
});

test("reviewer and auditor pages", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page, "reviewer1@demo.local");
  await check(page, "inbox", "/requests?status=awaiting");
  await page.goto("/requests?status=awaiting");
  await check(page, "request-review", await hrefOf(page, '[data-testid="request-row"] a'));
  const auditor = await (await browser.newContext()).newPage();
  await signIn(auditor, "auditor@demo.local");
  await check(auditor, "audit", "/audit");
  await auditor.context().close();
});

test("operator pages: the suggestions queue", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "operator@demo.local");
  await check(page, "suggestions", "/suggestions");
});

test("admin pages", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "admin@demo.local");
  await page.goto("/");
  const at = await hrefOf(page, '[data-testid="overview-row"][data-action-key="dns.change"] a');
  await check(page, "policy-edit", `${at}/policy`);
  await check(page, "admin-agents", "/admin/agents");
  await check(page, "admin-agent", "/admin/agents/support-bot");
  await check(page, "admin-keys", "/admin/keys");
  await check(page, "admin-users", "/admin/users");
  await check(page, "admin-notifications", "/admin/notifications");
});

test("open layers: the demote form and the rate chart's tooltip", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "admin@demo.local");
  await check(page, "overview-demote-form", "/", async (p) => {
    await p.getByRole("button", { name: "Demote", exact: true }).first().click();
    await expect(p.getByRole("textbox").last()).toBeVisible();
  });
  await page.goto("/");
  const at = await hrefOf(page, '[data-testid="overview-row"][data-action-key="refund.issue"] a');
  await check(page, "rate-chart-tooltip", at, async (p) => {
    const plot = (await p.getByTestId("rate-chart").locator("svg.recharts-surface").boundingBox())!;
    await p.mouse.move(plot.x + plot.width * 0.6, plot.y + plot.height / 2);
    await expect(p.getByTestId("rate-chart").locator(".recharts-default-tooltip")).toBeVisible();
  });
});
