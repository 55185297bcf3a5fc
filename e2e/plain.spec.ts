// Issue 14, "Plain words first": every page where a stakeholder decides says what the gate says in one
// computed sentence, defines the tiers, names things by their human names (slug secondary), prints
// numbers one way, and keeps the statistics behind "Details". Reviewers demote and freeze on the
// action type page too, and one form cannot demote twice.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { screenshot, signIn } from "./helpers";

const WIDTHS = [1440, 1024] as const;

async function as(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

async function actionTypeHref(page: Page, key: string): Promise<string> {
  await page.goto("/");
  return (await page
    .locator(`[data-testid="overview-row"][data-action-key="${key}"]`)
    .getByTestId("action-link")
    .getAttribute("href"))!;
}

async function shots(page: Page, name: string) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.mouse.move(0, 0);
    await screenshot(page, `plain-${name}-${width}`);
  }
}

/** Text no stakeholder should have to read outside a Details toggle. */
const JARGON = /e-value|e-process|Wilson|CUSUM|1\/α|tiers\.(CRAWL|WALK|RUN)\./;

async function visibleText(page: Page): Promise<string> {
  // innerText leaves out what a closed <details> hides.
  return page.locator("main").evaluate((m) => (m as HTMLElement).innerText);
}

test("overview: tiers defined, names first, one sentence per gate that agrees with it, statistics folded away", async ({
  page,
}) => {
  await signIn(page, "viewer@demo.local");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/");
  const legend = page.getByTestId("tier-legend");
  await expect(legend).toContainText("CRAWL only suggests; a human acts");
  await expect(legend).toContainText("WALK acts on internal staff");
  await expect(legend).toContainText("RUN acts on external customers");
  const row = page.locator('[data-testid="overview-row"][data-action-key="refund.issue"]');
  await expect(row.getByTestId("tier-badge")).toHaveAttribute("title", /the agent (only suggests|acts on)/);
  // The human names lead; the key and the slug follow.
  await expect(row.getByTestId("action-link")).toHaveText("Issue a refund");
  await expect(row).toContainText("refund.issue");
  await expect(row.getByTestId("agent-name")).toContainText(/\S+ support-bot/);

  const rows = page.getByTestId("overview-row");
  const count = await rows.count();
  expect(count).toBeGreaterThanOrEqual(12);
  for (let i = 0; i < count; i++) {
    const r = rows.nth(i);
    if ((await r.getAttribute("data-tier")) === "RUN") {
      await expect(r.getByTestId("gate-sentence")).toHaveCount(0);
      continue;
    }
    const sentence = r.getByTestId("gate-sentence");
    const text = (await sentence.textContent())!;
    const cleared = (await sentence.getAttribute("data-cleared")) === "true";
    // "clears" is said exactly when the gate clears; an eligible row always clears.
    expect(/\bclears\b/.test(text), text).toBe(cleared);
    if (await r.getByText("eligible", { exact: true }).count()) expect(cleared).toBe(true);
    if (!cleared)
      expect(text).toMatch(
        /at today's rate|more good outcomes? in a row would clear it|no run of good outcomes|would not clear it|more than/,
      );
  }
  const main = await visibleText(page);
  expect(main).not.toMatch(JARGON);
  expect(main).not.toMatch(/\de\+\d/);
  expect(main).not.toMatch(/needs \d+ days in (CRAWL|WALK), has/);
  expect(main).not.toMatch(/\d+[dhm] \d+[hm]\b/); // "3d 4h": units spelled out now
  // The statistics are one click away.
  const details = rows.first().getByTestId("gate-details");
  await details.locator("summary").click();
  await expect(details).toContainText(/e-value|Wilson|raw rate/);
  await shots(page, "overview");
  // At 1024 px the sentence keeps a readable column (it shrank to ~60 px before).
  await page.setViewportSize({ width: 1024, height: 900 });
  const eligibility = page.getByRole("columnheader", { name: "Eligibility" });
  expect((await eligibility.boundingBox())!.width).toBeGreaterThanOrEqual(200);
});

test("action type page: name first, the tier defined, the gate in words, details on demand; the bars in words", async ({
  page,
}) => {
  await signIn(page, "viewer@demo.local");
  await page.setViewportSize({ width: 1440, height: 900 });
  const href = await actionTypeHref(page, "dns.change");
  await page.goto(href);
  await expect(page.getByTestId("action-title")).toHaveText("Change DNS dns.change");
  await expect(page.locator("main header")).toContainText("infra-bot");
  await expect(page.locator("main header").getByTestId("tier-meaning")).toHaveText(
    /^the agent (only suggests; a human acts|acts on internal staff|acts on external customers)$/,
  );
  await expect(page.getByTestId("next-tier-meaning")).toHaveText(
    /^In (WALK|RUN) the agent acts on (internal staff|external customers)\.$/,
  );
  const sentence = page.getByTestId("gate-sentence");
  await expect(sentence).toHaveText(/^(\S+% of [\d,]+ outcomes were good|No outcomes)/);
  expect(await visibleText(page)).not.toMatch(JARGON);
  // A reason about time has its unit.
  await expect(page.getByTestId("unmet")).not.toContainText(/has \d+\.\d$/);
  await page.getByTestId("gate-details").locator("summary").click();
  await expect(page.getByTestId("snapshot-preview")).toContainText(/e-value|Wilson|raw rate/);
  await shots(page, "action-type");

  await page.getByRole("link", { name: "View bars" }).click();
  await expect(page.getByTestId("bars-in-words")).toContainText(
    "Promotion to WALK (where the agent acts on internal staff) needs evidence that the true success rate is above",
  );
  await expect(page.getByTestId("policy-now").getByTestId("gate-sentence")).toHaveText(
    /^(\S+% of [\d,]+ outcomes were good|No outcomes)/,
  );
  await shots(page, "policy");
});

test("action type page above CRAWL: what would demote it, in words computed from the detector", async ({ page }) => {
  await signIn(page, "viewer@demo.local");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/");
  const above = page
    .getByTestId("overview-row")
    .filter({ has: page.getByTestId("tier-badge").filter({ hasText: /RUN|WALK/ }) });
  await page.goto((await above.first().getByTestId("action-link").getAttribute("href"))!);
  await expect(page.getByTestId("demotion-sentence")).toHaveText(
    /^(Watched for regression: |Failures have reached the regression detector's alarm).*An incident of \w+ severity or worse demotes it straight to CRAWL\.$/,
  );
  expect(await visibleText(page)).not.toMatch(JARGON);
  await page.getByTestId("demotion-details").locator("summary").click();
  await expect(page.getByTestId("demotion-details")).toContainText(/Failure CUSUM [\d.]+ of [\d.]+/);
  await shots(page, "action-type-demotion");

  await page.goto(await actionTypeHref(page, "dns.change"));
  await expect(page.getByTestId("action-title")).toHaveText("Change DNS dns.change"); // in CRAWL: nothing below it
  await expect(page.getByTestId("demotion-sentence")).toHaveCount(0);
});

test("request page: names first, the tiers defined, each evidence column in words", async ({ page }) => {
  await signIn(page, "reviewer1@demo.local");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/requests?status=all");
  // A promotion (a policy change has no tiers to define); earlier journeys may have opened loosenings.
  const row = page.locator('[data-testid="request-row"][data-kind="promotion"]').first();
  await expect(row.getByTestId("action-name")).toBeVisible();
  await expect(row.getByTestId("agent-name")).toBeVisible();
  expect(await visibleText(page)).not.toMatch(/\b[a-z]+-bot \/ [a-z]+\.[a-z]+/); // "support-bot / refund.issue"
  await shots(page, "requests");
  await row.getByRole("link", { name: "view", exact: true }).click();
  await expect(page.getByTestId("request-tiers")).toContainText(
    /From (CRAWL|WALK) the agent .+ to (WALK|RUN) the agent acts on/,
  );
  await expect(page.getByTestId("pinned").getByTestId("gate-sentence")).toBeVisible();
  await expect(page.getByTestId("live").getByTestId("gate-sentence")).toBeVisible();
  expect(await visibleText(page)).not.toMatch(JARGON);
  await page.getByTestId("pinned-details").locator("summary").click();
  await expect(page.getByTestId("pinned-details")).toContainText("Gate statistic");
  await shots(page, "request");
});

test("reviewers demote and freeze on the action type page; the form closes after success and cannot demote twice", async ({
  browser,
}) => {
  const reviewer = await as(browser, "reviewer2@demo.local");
  await reviewer.setViewportSize({ width: 1440, height: 900 });
  const href = await actionTypeHref(reviewer, "ticket.tag");
  await reviewer.goto(href);
  const actions = reviewer.getByTestId("tier-actions");
  await expect(reviewer.locator("main header").getByTestId("tier-badge")).toHaveText("RUN");

  // A second tab shows the same state: its form will be stale once the first one demotes.
  const second = await reviewer.context().newPage();
  await second.setViewportSize({ width: 1440, height: 900 });
  await second.goto(href);
  const secondActions = second.getByTestId("tier-actions");
  await secondActions.getByRole("button", { name: "Demote", exact: true }).click();
  await secondActions.getByRole("textbox").fill("Second tab: tagging errors reported by the queue leads.");

  await actions.getByRole("button", { name: "Demote", exact: true }).click();
  await expect(actions.getByRole("dialog")).toBeVisible();
  await actions.getByRole("textbox").fill("Tagging errors reported by the queue leads this morning.");
  await shots(reviewer, "action-type-demote-form");
  // Two quick clicks on one form: one demotion.
  await actions.getByRole("button", { name: /^Confirm: Demote RUN → WALK/ }).dblclick();
  await expect(actions.getByRole("dialog")).toHaveCount(0);
  await expect(actions.getByRole("status")).toHaveText("ticket.tag demoted RUN → WALK.");
  await expect(reviewer.locator("main header").getByTestId("tier-badge")).toHaveText("WALK");

  // The stale form in the other tab names the state it was shown: refused, nothing changes.
  await secondActions.getByRole("button", { name: /^Confirm: Demote RUN → WALK/ }).click();
  await expect(secondActions.getByRole("alert")).toContainText(/changed|moved|no longer|already/i);
  await reviewer.reload();
  await expect(reviewer.locator("main header").getByTestId("tier-badge")).toHaveText("WALK");
  const demotions = reviewer.getByTestId("timeline").locator("li").filter({ hasText: "manual demotion" });
  await expect(demotions).toHaveCount(1);
  await expect(demotions.first()).toContainText("RUN → WALK");

  // Freeze from the same place, then unfreeze.
  await actions.getByRole("button", { name: "Freeze", exact: true }).click();
  await actions.getByRole("textbox").fill("Holding promotions while the tagging fix ships.");
  await actions.getByRole("button", { name: /^Confirm: Freeze WALK/ }).click();
  await expect(actions.getByRole("dialog")).toHaveCount(0);
  await expect(reviewer.locator("main header")).toContainText("❄ frozen");
  await actions.getByRole("button", { name: "Unfreeze", exact: true }).click();
  await actions.getByRole("textbox").fill("The tagging fix shipped; promotions may resume.");
  await actions.getByRole("button", { name: /^Confirm: Unfreeze WALK/ }).click();
  await expect(reviewer.locator("main header")).not.toContainText("❄ frozen");
  await shots(reviewer, "action-type-reviewer");
  await reviewer.context().close();
});

test("viewers have no tier actions on the action type page", async ({ page }) => {
  await signIn(page, "viewer@demo.local");
  await page.goto(await actionTypeHref(page, "ticket.reply"));
  await expect(page.getByTestId("action-title")).toBeVisible();
  await expect(page.getByTestId("tier-actions")).toHaveCount(0);
});
