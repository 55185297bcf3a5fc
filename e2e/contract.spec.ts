// Issue 22 item 5 journey: an admin asks to make `staff:*` internal for an agent (a loosening); nothing
// changes until its quorum of reviewers approve it, blind, on its request page; then the agent's internal decisions hold only for staff
// subjects (others answered as external, with the reason); removing the entry applies at once.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./helpers";

async function as(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

test("a contract addition waits for its quorum of reviewers; removal is immediate; decisions follow", async ({
  page,
  browser,
  request,
}) => {
  await signIn(page, "admin@demo.local");
  await page.goto("/admin/agents/infra-bot");
  const keyForm = page.getByRole("form", { name: "Create API key" });
  await keyForm.getByLabel("Key name").fill("contract-journey");
  await keyForm.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("new-key-secret-value").textContent())!.trim();
  const auth = { authorization: `Bearer ${secret}` };

  const tiers = (await (await request.get("/api/v1/tiers", { headers: auth })).json()) as {
    tiers: Array<{ action: string; tier: string }>;
  };
  const walk = tiers.tiers.find((t) => t.tier === "WALK")!;
  expect(walk, "infra-bot has an action type in WALK").toBeTruthy();
  const decide = async (subject: string) =>
    (await (
      await request.post("/api/v1/decisions", {
        headers: auth,
        data: { action: walk.action, audience: "internal", subject },
      })
    ).json()) as { allowed: boolean; reason: string };

  await expect(page.getByTestId("contract-none")).toContainText("internal audience is declared by the agent");
  expect((await decide("customer-1")).allowed).toBe(true);

  const panel = page.getByRole("region", { name: "Internal subjects" });
  await panel.getByLabel(/Add an internal subject/).fill("staff:*");
  await panel.getByLabel("Why is it internal?").fill("Our own on-call staff accounts.");
  await panel.getByRole("button", { name: "Ask to add (reviewed)" }).click();
  await expect(panel.getByText(/other than you must approve it before it counts/)).toBeVisible();
  // A loosening: the request waits in the panel with its quorum, linked to its review page.
  const pending = panel.getByTestId("contract-request").filter({ hasText: "staff:*" });
  await expect(pending).toContainText(/needs \d+ approvals?/);
  const needed = Number((await pending.textContent())!.match(/needs (\d+) approval/)![1]);
  expect(needed, "the demo has three reviewers besides the admin").toBeLessThanOrEqual(3);
  await expect(pending.getByRole("link", { name: "Open the request" })).toBeVisible();
  expect((await decide("customer-1")).allowed).toBe(true);

  for (let i = 1; i <= needed; i++) {
    const reviewer = await as(browser, `reviewer${i}@demo.local`);
    await reviewer.goto("/requests");
    const item = reviewer.getByTestId("contract-request").filter({ hasText: "staff:*" });
    await item.getByRole("link", { name: "Review" }).click();
    // Blind: no one else's review shows before one's own.
    await expect(reviewer.getByRole("region", { name: "Reviews" }).getByRole("listitem")).toHaveCount(0);
    await reviewer.getByLabel(/Why\?/).fill(`Checked with the infra team (${i}): these are our own staff accounts.`);
    await reviewer.getByRole("button", { name: "Approve" }).click();
    if (i < needed) {
      await expect(reviewer.getByText(/waits for more approvals/)).toBeVisible();
      expect((await decide("customer-1")).allowed, "nothing changes before the quorum").toBe(true);
    } else await expect(reviewer.getByText(/the subject is internal now/)).toBeVisible();
  }

  await expect.poll(async () => (await decide("customer-1")).allowed).toBe(false);
  expect((await decide("customer-1")).reason).toMatch(/outside the agent's contract/);
  expect((await decide("staff:ann")).allowed).toBe(true);

  await page.reload();
  await expect(panel.getByTestId("contract-entries")).toContainText("staff:*");
  await panel.getByRole("button", { name: "Remove" }).click();
  await expect(panel.getByText("The contract is empty: no subject is internal.")).toBeVisible();
  await expect.poll(async () => (await decide("staff:ann")).allowed).toBe(false);
});
