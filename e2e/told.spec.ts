// Issue 14 journeys: people are told (a real local receiver, down then up), reviewers have an inbox,
// auditors can read the log, and controls tell the truth. Each step fails on the code before it.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { screenshot, signIn } from "./helpers";

async function as(browser: Browser, email: string, returnTo = "/"): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, returnTo);
  return page;
}

async function actionTypeId(page: Page, key: string): Promise<string> {
  await page.goto("/");
  const href = await page
    .locator(`[data-testid="overview-row"][data-action-key="${key}"]`)
    .getByTestId("action-link")
    .getAttribute("href");
  return href!.split("/").pop()!;
}

/** A real receiver on a fixed free port: it can be down (closed) and come back on the same port. */
async function receiver() {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  const got: Array<{ headers: Record<string, string>; body: string }> = [];
  let server: http.Server | null = null;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    async up() {
      server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          got.push({
            headers: {
              "webhook-id": String(req.headers["webhook-id"]),
              "webhook-timestamp": String(req.headers["webhook-timestamp"]),
              "webhook-signature": String(req.headers["webhook-signature"]),
            },
            body,
          });
          res.writeHead(200).end("ok");
        });
      });
      await new Promise<void>((r) => server!.listen(port, "127.0.0.1", r));
    },
    async down() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((r) => s.close(() => r()));
    },
  };
}

async function tierAction(page: Page, key: string, button: "Freeze" | "Unfreeze" | "Demote", rationale: string) {
  await page.goto("/");
  const row = page.locator(`[data-testid="overview-row"][data-action-key="${key}"]`);
  await row.getByRole("button", { name: button, exact: true }).click();
  await row.getByRole("textbox").fill(rationale);
  await row.getByRole("button", { name: new RegExp(`^Confirm: ${button}`) }).click();
  await expect(row.getByRole("status")).toBeVisible();
}

test("notifications: a freeze made while the receiver is down arrives once it is back, once, signed", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const hook = await receiver();
  await signIn(page, "admin@demo.local", "/admin/notifications");
  await expect(page.getByRole("link", { name: "Notifications" })).toHaveAttribute("aria-current", "page");
  // The seeded built-in receiver is there for a new user.
  await expect(page.locator('[data-testid="endpoint-row"][data-name="Built-in demo receiver"]')).toBeVisible();

  const form = page.getByRole("form", { name: "Add webhook endpoint" });
  await form.getByLabel("Name").fill("e2e receiver");
  await form.getByLabel("Address (URL)").fill(hook.url);
  for (const box of await form.getByRole("checkbox").all()) await box.uncheck();
  await form.getByRole("checkbox", { name: /An action type was frozen/ }).check();
  await form.getByRole("button", { name: "Add endpoint" }).click();
  const secret = (await page.getByTestId("new-key-secret-value").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  await screenshot(page, "told-endpoint-secret-once");
  await page.getByRole("button", { name: "I have stored it — hide the signing secret" }).click();
  await expect(page.getByText(secret)).toHaveCount(0);

  // Receiver down: a reviewer freezes scale.adjust.
  const reviewer = await as(page.context().browser()!, "reviewer1@demo.local");
  await tierAction(reviewer, "scale.adjust", "Freeze", "Holding promotions while the capacity review runs.");

  await page
    .locator('[data-testid="endpoint-row"][data-name="e2e receiver"]')
    .getByRole("link", { name: "e2e receiver" })
    .click();
  await expect(page).toHaveURL(/\/admin\/notifications\?endpoint=/);
  const delivery = page.getByTestId("delivery-row").first();
  await expect(delivery).toHaveAttribute("data-kind", "tier.frozen");
  await expect(delivery).toContainText("not delivered: ECONNREFUSED", { timeout: 15_000 });
  await expect(delivery).toHaveAttribute("data-status", "pending");
  await expect(delivery).toContainText("froze Adjust capacity (scale.adjust) of infra-bot at RUN");
  await screenshot(page, "told-delivery-failed-retrying");

  await hook.up();
  await expect(delivery).toHaveAttribute("data-status", "delivered", { timeout: 40_000 });
  await screenshot(page, "told-delivery-delivered");
  await page.waitForTimeout(5000);
  expect(hook.got).toHaveLength(1);
  const msg = new Webhook(secret).verify(hook.got[0]!.body, hook.got[0]!.headers) as {
    type: string;
    data: { url: string; actionType: { key: string } };
  };
  expect(msg.type).toBe("tier.frozen");
  expect(msg.data.actionType.key).toBe("scale.adjust");
  expect(msg.data.url).toMatch(/\/action-types\/[0-9a-f-]{36}$/);

  // The built-in receiver got it too (it subscribes to everything) and shows it verified.
  await page
    .locator('[data-testid="endpoint-row"][data-name="Built-in demo receiver"]')
    .getByRole("link")
    .first()
    .click();
  await expect(page.getByTestId("demo-received")).toContainText("tier.frozen · signature verified", {
    timeout: 20_000,
  });
  await screenshot(page, "told-demo-receiver");

  await tierAction(reviewer, "scale.adjust", "Unfreeze", "Capacity review done; promotions may resume.");
  await reviewer.context().close();
  await hook.down();
});

test("reviewers' inbox: a count in the navigation, the awaiting tab first, counts on every tab", async ({ page }) => {
  await signIn(page, "reviewer2@demo.local");
  const badge = page.getByTestId("nav-awaiting-count");
  await expect(badge).toBeVisible();
  const count = Number((await badge.textContent())!.replace(/\D+/g, ""));
  expect(count).toBeGreaterThan(0);
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: /Requests/ })
    .click();
  await expect(page).toHaveURL(/\/requests\?status=awaiting$/);
  await expect(page.getByTestId("tab-awaiting")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("request-row")).toHaveCount(count);
  await expect(page.getByTestId("tab-awaiting")).toContainText(String(count));
  await screenshot(page, "told-inbox");
  // Every tab's count is the number of rows it lists.
  for (const tab of ["open", "applied"]) {
    await page.getByTestId(`tab-${tab}`).click();
    await expect(page.getByTestId(`tab-${tab}`)).toHaveAttribute("aria-current", "page");
    const n = Number((await page.getByTestId(`tab-${tab}`).locator("span").textContent())!.trim());
    await expect(page.getByTestId("request-row")).toHaveCount(n);
  }
  // A requester sees no "awaiting" tab (viewers do not review).
  const viewer = await as(page.context().browser()!, "viewer@demo.local", "/requests");
  await expect(viewer.getByTestId("tab-awaiting")).toHaveCount(0);
  await expect(viewer.getByTestId("nav-awaiting-count")).toHaveCount(0);
  // The open request that blocks a new one is linked from the action type's panel.
  await viewer.goto(`/action-types/${await actionTypeId(viewer, "refund.issue")}`);
  await viewer.getByTestId("open-request-link").click();
  await expect(viewer).toHaveURL(/\/requests\?status=all&action=/);
  await expect(viewer.getByTestId("request-row").first()).toContainText("refund.issue");
  // Opening a request with a note: the panel links to the new request at once, and reviewers read the note.
  await viewer.goto(`/action-types/${await actionTypeId(viewer, "deploy.rollback")}`);
  await viewer
    .getByLabel("Note for reviewers (optional): why now, what to look at")
    .fill("Rollbacks were clean all month; RUN would cut our incident time.");
  await viewer.getByRole("button", { name: "Request promotion to RUN" }).click();
  const link = viewer.getByTestId("new-request-link");
  await expect(link).toHaveAttribute("href", /\/requests\/[0-9a-f-]{36}$/);
  await expect(viewer.getByTestId("open-request-link")).toHaveAttribute("href", /\/requests\/[0-9a-f-]{36}$/);
  await screenshot(viewer, "told-request-opened-link");
  await link.click();
  await expect(viewer.getByTestId("requester-note")).toContainText("Rollbacks were clean all month");
  await viewer.getByRole("button", { name: "Withdraw" }).click();
  await expect(viewer.getByRole("heading", { level: 1 })).toContainText("withdrawn");
  await viewer.context().close();
});

test("audit log: agent + policy kinds finds the policy change, ingestion out of the way, seconds, links", async ({
  page,
  browser,
}) => {
  // An admin tightens contract.amend (sales-bot), typing the bar in percent.
  await signIn(page, "admin@demo.local");
  const id = await actionTypeId(page, "contract.amend");
  await page.goto(`/action-types/${id}/policy`);
  const bar = page.getByLabel("Promotion bar (CRAWL→)");
  const pct = Number(await bar.inputValue());
  expect(pct).toBeGreaterThan(50);
  expect(pct).toBeLessThan(100);
  await bar.fill(String(Math.min(99, pct + 1)));
  await page
    .getByLabel("Why change it? (at least 20 characters, kept with the version)")
    .fill("Contract amendments are costly to undo; raise the bar.");
  await page.getByRole("button", { name: "Apply tightening" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Tightening applied" })).toBeVisible();

  const auditor = await as(browser, "auditor@demo.local", "/audit");
  // Ingestion is hidden by default.
  await expect(auditor.locator('[data-testid="audit-row"][data-kind="events.ingested"]')).toHaveCount(0);
  const filters = auditor.getByRole("form", { name: "Filters" });
  await filters.getByLabel("Agent", { exact: true }).selectOption({ label: "Sales Assistant (sales-bot)" });
  await filters.getByLabel("Kind").selectOption("policy.");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(auditor).toHaveURL(/kind=policy\./);
  await expect(auditor).toHaveURL(/agent=[0-9a-f-]{36}/);
  const rows = auditor.getByTestId("audit-row");
  await expect(rows.first()).toBeVisible();
  for (const kind of await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind)))
    expect(kind).toBe("policy.version_created");
  const row = rows.first();
  await expect(row).toHaveAttribute("data-agent", "sales-bot");
  await expect(row.getByRole("link", { name: /contract\.amend/ }).first()).toHaveAttribute(
    "href",
    `/action-types/${id}`,
  );
  await expect(row.getByTestId("audit-summary")).toContainText("Policy version");
  await expect(row.getByTestId("audit-summary").getByRole("link")).toHaveAttribute(
    "href",
    `/action-types/${id}/policy`,
  );
  await expect(row.locator("td").nth(1)).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await screenshot(auditor, "told-audit-agent-policy");
  // The filters live in the URL: a reload keeps them.
  await auditor.reload();
  await expect(auditor.getByRole("form", { name: "Filters" }).getByLabel("Kind")).toHaveValue("policy.");
  // Ingestion on request.
  await auditor.goto("/audit?ingestion=only");
  await expect(auditor.getByTestId("audit-row").first()).toHaveAttribute("data-kind", "events.ingested");
  await expect(auditor.getByTestId("audit-summary").first()).toContainText(/reported \d+ outcome/);
  await auditor.context().close();
});

test("controls tell the truth: read-only bars, layered tier form, too few outcomes, empty evidence, favicon", async ({
  page,
  browser,
}) => {
  // A viewer reads the bars, read-only, in percent.
  await signIn(page, "viewer@demo.local");
  const id = await actionTypeId(page, "contract.amend");
  await page.goto(`/action-types/${id}`);
  await page.getByRole("link", { name: "View bars" }).click();
  await expect(page).toHaveURL(new RegExp(`/action-types/${id}/policy$`));
  await expect(page.getByLabel("Promotion bar (CRAWL→)")).toBeDisabled();
  await expect(page.getByTestId("policy-read-only")).toContainText("Only admins change them");
  await expect(page.getByRole("button", { name: /Apply tightening|Send for review/ })).toHaveCount(0);
  await screenshot(page, "told-policy-read-only");

  // Opening the demote form does not reflow the overview table.
  const reviewer = await as(browser, "reviewer3@demo.local");
  await reviewer.setViewportSize({ width: 1440, height: 900 });
  const row = reviewer.locator('[data-testid="overview-row"][data-action-key="scale.adjust"]');
  const widths = () =>
    reviewer
      .locator("table thead th")
      .evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));
  const before = await widths();
  await row.getByRole("button", { name: "Demote", exact: true }).click();
  await expect(row.getByRole("dialog")).toBeVisible();
  expect(await widths()).toEqual(before);
  await screenshot(reviewer, "told-demote-form-layer");
  await row.getByRole("textbox").fill("Capacity alerts this morning; back to WALK while we look.");
  await row.getByRole("button", { name: /^Confirm: Demote/ }).click();
  await expect(row).toHaveAttribute("data-tier", "WALK");

  // Right after a demotion: no percentage of a handful of outcomes, and the evidence chart says why it is empty.
  await expect(reviewer.locator("main")).not.toContainText(/\d+\.\d% of ([1-9]|1\d) in window/);
  await reviewer.goto(`/action-types/${await actionTypeId(reviewer, "scale.adjust")}`);
  await expect(reviewer.getByTestId("evidence-chart-empty")).toContainText("No promotion evidence in this tier yet");
  await screenshot(reviewer, "told-evidence-empty");
  await reviewer.context().close();

  const icon = await page.request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toMatch(/image/);
});
