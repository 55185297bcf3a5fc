// Issue 22 journey (CRAWL's suggestions): the agent, through the SDK, proposes a refund while
// refund.issue is in CRAWL; the operator sees it in the queue and accepts it with an edited amount;
// the agent's consume with the original parameters is refused and with the edited ones succeeds once;
// the action type page then counts one more outcome.
import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";
import { awaitDecision, consume, propose, type ProposalsContext } from "@cwr/sdk/proposals";
import { CwrApiError } from "@cwr/sdk/http";

async function refusalOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CwrApiError);
    return (e as CwrApiError).code;
  }
  throw new Error("expected a refusal");
}

/** The refund's promotion evidence as the action type page shows it ("N of M good"): M. */
async function outcomesShown(page: Page, href: string): Promise<number> {
  await page.goto(href);
  const text = (await page.locator("main").textContent()) ?? "";
  const m = /([\d,]+) of ([\d,]+) good/.exec(text);
  expect(m, "the page shows the evidence").not.toBeNull();
  return Number(m![2]!.replace(/,/g, ""));
}

test("an operator accepts a proposed refund with an edited amount; the agent executes exactly that, once", async ({
  page,
  baseURL,
}) => {
  await signIn(page, "admin@demo.local");
  await page.goto("/admin/agents/support-bot");
  const keyForm = page.getByRole("form", { name: "Create API key" });
  await keyForm.getByLabel("Key name").fill(`suggestions-journey-${Date.now()}`);
  await keyForm.getByRole("button", { name: "Create key" }).click();
  const apiKey = (await page.getByTestId("new-key-secret-value").textContent())!.trim();
  await page.goto("/");
  const row = page.locator('[data-action-key="refund.issue"]');
  await expect(row).toHaveAttribute("data-tier", "CRAWL");
  const href = (await row.getByTestId("action-link").getAttribute("href"))!;
  const before = await outcomesShown(page, href);

  // 1. The agent proposes through the SDK.
  const ctx: ProposalsContext = { baseUrl: baseURL!, apiKey, fetch, now: Date.now };
  const order = `E2E-${randomUUID().slice(0, 8)}`;
  const original = { order, amount: 80, currency: "EUR" };
  const created = await propose(ctx, {
    idempotencyKey: `journey-${order}`,
    action: "refund.issue",
    audience: "external",
    subject: `customer:${order}`,
    summary: `Refund order ${order} (parcel lost)`,
    parameters: original,
  });
  expect(created.status).toBe("pending");

  // 2. The operator sees it in the queue (the navigation counts it) and accepts it with an edited amount.
  const operator = await (await page.context().browser()!.newContext()).newPage();
  await signIn(operator, "operator@demo.local");
  const nav = operator.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: /Suggestions/ })).toBeVisible();
  await nav.getByRole("link", { name: /Suggestions/ }).click();
  await expect(operator).toHaveURL(/\/suggestions$/);
  const item = operator.getByTestId("suggestion").filter({ hasText: order });
  await expect(item).toContainText(`Refund order ${order} (parcel lost)`);
  const group = operator.getByTestId("suggestion-group").filter({ has: item });
  await expect(group).toContainText("CRAWL");
  await expect(group.getByTestId("suggestion-evidence")).toContainText("decided by people");
  const editor = item.getByLabel(/Parameters \(JSON/);
  await expect(editor).toHaveValue(/"amount": 80/);
  await editor.fill(JSON.stringify({ ...original, amount: 50 }, null, 2));
  await item.getByRole("button", { name: "Accept with edits" }).click();
  // The confirmation stays above the queue when the decided suggestion leaves it (the page refreshes).
  await expect(operator.getByTestId("suggestions-notice")).toContainText(`Suggestion edited: Refund order ${order}`);

  // 3. The agent learns the decision; the original parameters are refused, the edited ones run once.
  const answer = await awaitDecision(ctx, created.id, { timeoutMs: 10_000 });
  expect(answer.status).toBe("edited");
  expect(answer.decision?.parameters).toEqual({ ...original, amount: 50 });
  expect(await refusalOf(consume(ctx, created.id, created.digest))).toBe("digest_mismatch");
  const used = await consume(ctx, created.id, answer.decision!.digest!);
  expect(used.consumedAt).not.toBeNull();
  expect(await refusalOf(consume(ctx, created.id, answer.decision!.digest!))).toBe("grant_used");

  // 4. The action type page shows one more outcome.
  expect(await outcomesShown(page, href)).toBe(before + 1);
});
