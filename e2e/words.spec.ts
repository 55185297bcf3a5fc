// Issue 25 items 1 and 2, as a stakeholder sees them: the distance to the bar is true at today's rate
// (db.migrate at 95.0% against its 97% bar will not clear), with a time at this volume; email.send's
// automatic RUN → WALK demotion says its cause in words, and the rate chart's bars change where it did.
// Soft checks keep the journey going, so an older build still yields every screenshot.
// Screenshots go to e2e/screenshots/words-<SHOTS_PHASE>-… (SHOTS_PHASE=before against an older build).
import { expect, test, type Page } from "@playwright/test";
import { screenshot, signIn } from "./helpers";

const PHASE = process.env.SHOTS_PHASE ?? "after";

async function actionTypeHref(page: Page, key: string): Promise<string> {
  await page.goto("/");
  return (await page
    .locator(`[data-testid="overview-row"][data-action-key="${key}"]`)
    .getByTestId("action-link")
    .getAttribute("href"))!;
}

/** The points of an SVG path drawn with M/L commands (Recharts' lines). */
function pathPoints(d: string): Array<{ x: number; y: number }> {
  return [...d.matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
}

test("the gate sentence gives the distance at today's rate, or says it will not clear", async ({ page }) => {
  await signIn(page, "viewer@demo.local");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/");
  const migrate = page.locator('[data-testid="overview-row"][data-action-key="db.migrate"]');
  await migrate.scrollIntoViewIfNeeded();
  await screenshot(page, `words-${PHASE}-overview-1440`);
  const sentence = (await migrate.getByTestId("gate-sentence").textContent())!;
  expect.soft(sentence).toMatch(/will not clear at today's rate \([\d.]+% is below the 97% bar\)/);
  expect.soft(sentence).not.toMatch(/in a row/);
  // Somewhere a distance has a time at this volume.
  await expect
    .soft(
      page
        .getByTestId("gate-sentence")
        .filter({ hasText: /about [\d,]+ more outcomes? at today's rate \(≈ [\d.]+ days at this volume\)/ }),
    )
    .not.toHaveCount(0);

  // The action type page says the same.
  await page.goto(await actionTypeHref(page, "db.migrate"));
  await screenshot(page, `words-${PHASE}-db-migrate-1440`);
  const onPage = page.getByTestId("gate-sentence").first();
  await expect.soft(onPage).toContainText("will not clear at today's rate");
  await expect.soft(onPage).not.toContainText("in a row");

  // The request page: the live evidence beside the pinned snapshot, in the same words.
  await page.goto("/requests");
  await page
    .getByTestId("request-row")
    .filter({ hasText: "refund.issue" })
    .first()
    .getByRole("link", { name: "view", exact: true })
    .click();
  await expect(page.getByTestId("live")).toBeVisible();
  const live = (await page.getByTestId("live").getByTestId("gate-sentence").textContent())!;
  expect.soft(live).toMatch(/clears|at today's rate/);
  expect.soft(live).not.toMatch(/in a row/);
});

test("a request's gate sentence gives the distance at today's rate, pinned and live", async ({ page }) => {
  // contract.amend is not used by the other journeys: an admin overrides it.
  await signIn(page, "admin@demo.local");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await actionTypeHref(page, "contract.amend"));
  await page
    .getByLabel("Written justification (at least 20 characters)")
    .fill("Legal asked for contract amendments at WALK for the renewal season; every one is checked.");
  await page.getByRole("button", { name: "Open override request" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Request opened" })).toBeVisible();
  const row = page.getByTestId("request-row").filter({ hasText: "OVERRIDE" });
  await expect(row).toHaveCount(1);
  await page.goto(`/requests/${await row.getAttribute("data-request-id")}`);
  await expect(page.getByTestId("live")).toBeVisible();
  await screenshot(page, `words-${PHASE}-request-1440`);
  for (const column of ["pinned", "live"]) {
    const sentence = page.getByTestId(column).getByTestId("gate-sentence");
    // Which side of its bar contract.amend's seeded sample lands depends on the seed's rhythm: either way the
    // sentence is a distance at today's rate (tests/governance/gate-distance.test.ts holds both kinds).
    await expect
      .soft(sentence)
      .toContainText(
        /will not clear at today's rate \([\d.]+% is below the [\d.]+% bar\)|about [\d,]+ more outcomes? at today's rate/,
      );
    await expect.soft(sentence).not.toContainText("in a row");
  }
});

test("email.send's automatic demotion explains itself, and the chart's bars change where it happened", async ({
  page,
}) => {
  await signIn(page, "viewer@demo.local");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(await actionTypeHref(page, "email.send"));
  const chart = page.getByTestId("rate-chart");
  await expect(chart.locator("svg").first()).toBeVisible();
  await screenshot(page, `words-${PHASE}-email-send-1440`);
  await chart.screenshot({ path: `e2e/screenshots/words-${PHASE}-email-send-chart-1440.png` });

  // The timeline: the cause in words; the detector's numbers only behind Details.
  const cause = page.getByTestId("demotion-cause").first();
  await expect(cause).toHaveText(
    /^[\d,]+ of the last [\d,]+ outcomes failed, with a recent run of more than \d+% failures \(it accepts [\d.]+%\): the detector's alarm was reached\.$/,
  );
  const timeline = page.getByTestId("timeline");
  expect(await timeline.evaluate((t) => (t as HTMLElement).innerText)).not.toMatch(/CUSUM/);
  const details = page.getByTestId("demotion-cause-details").first();
  await details.locator("summary").click();
  await expect(details).toContainText(/failure CUSUM [\d.]+ ≥ [\d.]+ over [\d,]+ outcomes/);

  // The chart: the demotion bar is drawn per period and steps at the RUN → WALK marker.
  // (the automatic demotion's marker is the vertical red reference line; its label reads RUN→WALK)
  await expect(chart.getByText("RUN→WALK")).toBeVisible();
  const marker = chart.locator('.recharts-reference-line line[stroke="#dc2626"]').first();
  const markerX = Number(await marker.getAttribute("x1"));
  expect(Number(await marker.getAttribute("x2"))).toBe(markerX);
  const d = (await chart.locator(".demotion-bar-line path.recharts-curve").getAttribute("d"))!;
  const points = pathPoints(d);
  const yBefore = new Set(points.filter((p) => p.x < markerX - 1).map((p) => p.y.toFixed(1)));
  const yAfter = new Set(points.filter((p) => p.x > markerX + 1).map((p) => p.y.toFixed(1)));
  expect(yBefore.size).toBeGreaterThan(0);
  expect([...yAfter]).toHaveLength(1);
  // RUN's demotion bar (higher: a smaller y) before the demotion, WALK's after.
  const runY = Math.min(...[...yBefore].map(Number));
  expect(runY).toBeLessThan(Number([...yAfter][0]));
  await expect(page.getByTestId("rate-chart-bars")).toContainText("of the tier held then");
});
