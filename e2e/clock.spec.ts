// Times in words ("for 12 min", "3 h 5 min ago") are counted from the server's clock. A browser whose
// clock is off, or a page served at 12:00:59.9 and hydrated at 12:01:00.1, must not make React throw away
// the server's HTML: that re-creates every row (a reader loses their place, a click lands on a node that
// is gone; CI saw "Element is not attached to the DOM" on the overview).
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

const SKEW_MS = 17 * 60_000;

/** Console errors and page errors that speak of hydration (production React says "error #418" and kin). */
function hydrationErrors(page: Page): string[] {
  const seen: string[] = [];
  const about = /hydrat|React error #4(18|19|23|25)/i;
  page.on("console", (m) => {
    if (m.type() === "error" && about.test(m.text())) seen.push(m.text());
  });
  page.on("pageerror", (e) => {
    if (about.test(e.message)) seen.push(e.message);
  });
  return seen;
}

test(`a browser clock ${SKEW_MS / 60_000} min fast keeps the server's HTML and the server's times`, async ({
  page,
}) => {
  await signIn(page, "admin@demo.local");
  const html = (await (await page.request.get("/")).text()).replaceAll("<!-- -->", "");
  const served = [...html.matchAll(/data-testid="in-tier">([^<]*)</g)].map((m) => m[1]);
  expect(served.length).toBeGreaterThan(0);
  await page.clock.setFixedTime(Date.now() + SKEW_MS);
  const errors = hydrationErrors(page);

  await page.goto("/");
  const inTier = page.locator('[data-testid="overview-row"] [data-testid="in-tier"]');
  await expect(inTier.first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  // The time shown is the one the server counted, not one 17 minutes longer.
  expect((await inTier.allTextContents()).map((t) => t.trim())).toEqual(served);

  // The action type page and an agent's admin page say "for …" too.
  await page.locator('[data-testid="action-link"]').first().click();
  await expect(page.getByTestId("gate-sentence").first()).toBeVisible();
  await page.goto(page.url());
  await page.waitForLoadState("networkidle");
  await page.goto("/admin/agents/support-bot");
  await page.waitForLoadState("networkidle");

  expect(errors).toEqual([]);
});
