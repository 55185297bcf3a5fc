// Issue 22 item 5 journey: an admin asks to make `staff:*` internal for an agent; nothing changes until
// a reviewer approves it on the requests page; then the agent's internal decisions hold only for staff
// subjects (others answered as external, with the reason); removing the entry applies at once.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./helpers";

async function as(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

test("a contract addition waits for a reviewer; removal is immediate; decisions follow", async ({
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
  await expect(panel.getByText(/another reviewer or admin must approve it/)).toBeVisible();
  await expect(panel.getByTestId("contract-request")).toContainText("You asked for this");
  expect((await decide("customer-1")).allowed).toBe(true);

  const reviewer = await as(browser, "reviewer1@demo.local");
  await reviewer.goto("/requests");
  const item = reviewer.getByTestId("contract-request").filter({ hasText: "staff:*" });
  await item.getByLabel(/Why\?/).fill("Checked with the infra team: these are our own staff accounts.");
  await item.getByRole("button", { name: "Approve" }).click();
  await expect(item).toHaveCount(0); // decided: it leaves the list

  await expect.poll(async () => (await decide("customer-1")).allowed).toBe(false);
  expect((await decide("customer-1")).reason).toMatch(/outside the agent's contract/);
  expect((await decide("staff:ann")).allowed).toBe(true);

  await page.reload();
  await expect(panel.getByTestId("contract-entries")).toContainText("staff:*");
  await panel.getByRole("button", { name: "Remove" }).click();
  await expect(panel.getByText("The contract is empty: no subject is internal.")).toBeVisible();
  await expect.poll(async () => (await decide("staff:ann")).allowed).toBe(false);
});
