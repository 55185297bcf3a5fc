// Issue 25 items 3 and 4 through the real UI: a conversation before a verdict, and reviewer pools.
//   account.close (critical, irreversible; used by no other spec): an admin names a reviewer pool for
//   CRAWL (applies at once), opens an override; a reviewer outside the pool is told why they cannot
//   review; a reviewer in the pool asks a question, the requester answers, then the reviewer approves.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { screenshot, signIn } from "./helpers";

async function as(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await signIn(page, email);
  return page;
}

async function actionTypeId(page: Page, key: string): Promise<string> {
  await page.goto("/");
  await page.locator(`[data-testid="overview-row"][data-action-key="${key}"]`).getByTestId("action-link").click();
  await expect(page).toHaveURL(/\/action-types\/[0-9a-f-]{36}$/);
  return page.url().split("/").pop()!;
}

const QUESTION = "Which accounts did the failed closures hit, and were any of them reopened by hand?";
const ANSWER = "Three test accounts in staging; none in production. Details are in the runbook linked above.";

test("a pool refuses a reviewer outside it (and says why); a reviewer in it asks, the requester answers, then the reviewer approves", async ({
  browser,
}) => {
  const admin = await as(browser, "admin@demo.local");
  const id = await actionTypeId(admin, "account.close");

  // The admin names a pool for promotions out of CRAWL: Rosa Reviewer and any admin. Narrowing applies at once.
  await admin.goto(`/action-types/${id}/policy`);
  const pool = admin.getByRole("group", { name: "Who may approve promotions out of CRAWL" });
  await expect(pool).toContainText("Every reviewer");
  await pool.getByLabel("Rosa Reviewer", { exact: true }).check();
  await pool.getByLabel("any admin", { exact: true }).check();
  await expect(admin.getByTestId("policy-changes")).toContainText(
    "CRAWL who may approve: every reviewer → 1 named person or any admin",
  );
  await admin
    .getByLabel("Why change it? (at least 20 characters, kept with the version)")
    .fill("Account closures are irreversible: only the trust-and-safety reviewers approve them.");
  await admin.getByRole("button", { name: "Apply tightening" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Tightening applied at once" })).toBeVisible();

  // The admin opens an override (account.close does not clear its bar); the note is required.
  await admin.goto(`/action-types/${id}`);
  await admin
    .getByLabel("Written justification (at least 20 characters)")
    .fill("Legal asked for automated closures of GDPR-erased accounts this month; each is double-checked.");
  await admin.getByRole("button", { name: "Open override request" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Request opened" })).toBeVisible();
  const row = admin.getByTestId("request-row").filter({ hasText: "OVERRIDE" });
  const requestId = (await row.getAttribute("data-request-id"))!;
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

  // Rene Reviewer is outside the pool: no review form, and the page says why; the inbox does not count it.
  const rene = await as(browser, "reviewer3@demo.local");
  await rene.goto(`/requests/${requestId}`);
  await expect(rene.getByTestId("request-risk")).toContainText("irreversible");
  await expect(rene.getByTestId("reviewer-pool")).toContainText("Who may approve: Rosa Reviewer or any admin");
  await expect(rene.getByTestId("not-in-pool")).toContainText("You are not in this tier's reviewer pool");
  await expect(rene.getByTestId("review-form")).toHaveCount(0);
  await rene.mouse.move(0, 0);
  await screenshot(rene, "request-not-in-pool-1440");
  await rene.goto("/requests?status=awaiting");
  await expect(rene.locator(`[data-testid="request-row"][data-request-id="${requestId}"]`)).toHaveCount(0);

  // Rosa Reviewer (in the pool) asks before deciding.
  const rosa = await as(browser, "reviewer1@demo.local");
  await rosa.goto("/requests?status=awaiting");
  await expect(rosa.locator(`[data-testid="request-row"][data-request-id="${requestId}"]`)).toHaveCount(1);
  await rosa.goto(`/requests/${requestId}`);
  await expect(rosa.getByTestId("review-form")).toBeVisible();
  await rosa.getByLabel("Ask or answer", { exact: true }).fill(QUESTION);
  await rosa.getByRole("button", { name: "Post comment" }).click();
  await expect(rosa.getByRole("status").filter({ hasText: "Posted." })).toBeVisible();
  await expect(rosa.getByTestId("comments")).toContainText(QUESTION);
  // A question is not a review: the request still waits for her review.
  await expect(rosa.getByTestId("review-form")).toBeVisible();

  // The requester answers.
  await admin.goto(`/requests/${requestId}`);
  await expect(admin.getByTestId("comments")).toContainText(QUESTION);
  await admin.getByLabel("Ask or answer", { exact: true }).fill(ANSWER);
  await admin.getByRole("button", { name: "Post comment" }).click();
  await expect(admin.getByTestId("comments")).toContainText(ANSWER);
  await expect(admin.getByTestId("comments")).toContainText("Ada Admin (requester)");

  // Rosa reads the answer and approves.
  await rosa.reload();
  await expect(rosa.getByTestId("comments")).toContainText(ANSWER);
  await rosa.mouse.move(0, 0);
  await screenshot(rosa, "request-conversation-1440");
  const form = rosa.getByTestId("review-form");
  await form
    .getByLabel("Your rationale (required, at least 20 characters)")
    .fill("The answer covers my question; staging-only failures, production evidence is clean.");
  await form.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(rosa.getByRole("status").filter({ hasText: "Review recorded" })).toContainText(
    "The request is now open.",
  );
});
