// The what-if replay as reviewers meet it (issue 20 Deliver 4): the proposed policy against the
// current one, folded the same way; a tightening never shows more autonomy; on a loosening's request
// the replay sits beside the proposed change, above Approve/Reject.
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

const TIERS = ["CRAWL", "WALK", "RUN"];

async function openEditor(page: Page, key: string) {
  await page.goto("/");
  await page.locator(`[data-testid="overview-row"][data-action-key="${key}"]`).getByTestId("action-link").click();
  await expect(page.getByRole("heading", { level: 1, name: key })).toBeVisible();
  await page.getByRole("link", { name: "Edit bars" }).click();
  await expect(page.getByRole("heading", { name: new RegExp(`^Bars of ${key.replace(".", "\\.")}`) })).toBeVisible();
}

test("a tightening's replay never shows more autonomy than the current policy", async ({ page }) => {
  await signIn(page, "admin@demo.local");
  await openEditor(page, "ticket.reply");
  await page.getByLabel("Promotion bar (WALK→)").fill("92");
  await expect(page.getByTestId("policy-verdict")).toContainText("Tightening");
  await page.getByRole("button", { name: /Replay these bars/ }).click();
  const replay = page.getByTestId("replay");
  await expect(replay).toBeVisible();
  const proposed = TIERS.indexOf((await replay.getAttribute("data-proposed-tier"))!);
  const current = TIERS.indexOf((await replay.getAttribute("data-current-tier"))!);
  expect(proposed).toBeGreaterThanOrEqual(0);
  expect(proposed).toBeLessThanOrEqual(current);
  // Every point of the timeline: never above the current policy's tier.
  const rows = JSON.parse((await replay.getAttribute("data-series"))!) as Array<{ proposed: number; current: number }>;
  expect(rows.length).toBeGreaterThan(10);
  for (const r of rows) expect(r.proposed).toBeLessThanOrEqual(r.current);
  await expect(page.getByTestId("replay-sentence")).toContainText("current policy");
  await expect(page.getByTestId("replay-sentence")).not.toContainText("in reality");
});

test("on a loosening's request the replay is visible above the review form", async ({ page, browser }) => {
  await signIn(page, "admin@demo.local");
  await openEditor(page, "ticket.reply");
  await page.getByLabel("Min outcomes").nth(1).fill("150");
  await expect(page.getByTestId("policy-verdict")).toContainText("Loosening");
  await page
    .getByLabel("Why change it? (at least 20 characters, kept with the version)")
    .fill("WALK has been steady for weeks; fewer outcomes should do for RUN.");
  await page.getByRole("button", { name: "Send for review" }).click();
  const link = page.getByTestId("loosening-sent").getByRole("link");
  await expect(link).toBeVisible();
  const href = (await link.getAttribute("href"))!;

  const reviewer = await (await browser.newContext()).newPage();
  await signIn(reviewer, "reviewer1@demo.local", href);
  await reviewer.goto(href);
  const replay = reviewer.getByTestId("replay");
  const form = reviewer.getByTestId("review-form");
  await expect(replay).toBeVisible();
  await expect(form).toBeVisible();
  await expect(reviewer.getByTestId("replay-sentence")).toContainText("current policy");
  const replayBox = (await replay.boundingBox())!;
  const formBox = (await form.boundingBox())!;
  expect(replayBox.y + replayBox.height).toBeLessThanOrEqual(formBox.y);
  await reviewer.context().close();
});
