// Every page, as a role that may see it: it renders its main content, shows no error box, and the
// server answers its document in under a second. A screenshot of each goes to e2e/screenshots/.
import { expect, test, type Page } from "@playwright/test";
import { screenshot, signIn } from "./helpers";

/** A full-page screenshot with the pointer parked off the charts (no stray Recharts tooltip). */
async function shot(page: Page, name: string) {
  await page.mouse.move(0, 0);
  await screenshot(page, name);
}

// Page timings are printed for the reader, never asserted: a loaded CI runner makes any bound a flake
// (issue 27), and the overview's speed is a benchmark row (npm run bench, overview).
const timings: Array<{ name: string; path: string; ttfb: number; document: number; domContentLoaded: number }> = [];

/** Navigation Timing of the current document (after page.goto). */
async function navigationTiming(page: Page) {
  return page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return {
      ttfb: Math.round(n.responseStart - n.requestStart),
      document: Math.round(n.responseEnd - n.requestStart),
      domContentLoaded: Math.round(n.domContentLoadedEventEnd - n.startTime),
    };
  });
}

/** Visits a page, checks it is a healthy 200 with no error box, records its timing, saves a screenshot. */
async function visit(page: Page, name: string, path: string, main: (page: Page) => Promise<void>) {
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  const response = await page.goto(path);
  expect(response, `${path} answered`).not.toBeNull();
  expect(response!.status(), `${path} status`).toBe(200);
  await main(page);
  // No error box: no non-empty alert (Next's empty route announcer also has role=alert), no error page.
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveCount(0);
  await expect(page.getByText(/Application error|Internal Server Error|This page could not be found/)).toHaveCount(0);
  expect(pageErrors, `uncaught errors on ${path}`).toEqual([]);
  const t = await navigationTiming(page);
  timings.push({ name, path, ...t });
  console.log(
    `[timing] ${name.padEnd(22)} ${path.padEnd(60)} ttfb ${String(t.ttfb).padStart(4)} ms · document ${String(t.document).padStart(4)} ms · DOMContentLoaded ${String(t.domContentLoaded).padStart(4)} ms`,
  );
  await shot(page, `page-${name}`);
  expect(t.document, `server response of ${path} (ms)`).toBeGreaterThan(0);
}

/** id of an action type, from its overview link. */
async function actionTypeId(page: Page, key: string): Promise<string> {
  await page.goto("/");
  const href = await page
    .locator(`[data-testid="overview-row"][data-action-key="${key}"]`)
    .getByTestId("action-link")
    .getAttribute("href");
  return href!.split("/").pop()!;
}

test.afterAll(() => {
  console.log("\n[timing] summary (ms): name, ttfb, document, DOMContentLoaded");
  for (const t of timings) console.log(`[timing] ${t.name}\t${t.ttfb}\t${t.document}\t${t.domContentLoaded}`);
});

test("sign-in page (signed out)", async ({ page }) => {
  await visit(page, "signin", "/signin", async (p) => {
    await expect(p.getByRole("heading", { name: "Crawl · Walk · Run" })).toBeVisible();
    await expect(p.getByLabel("Email")).toBeVisible();
    await expect(p.getByLabel("Password")).toBeVisible();
  });
});

test("viewer pages: overview, action type, requests, request, forbidden", async ({ page }) => {
  await signIn(page, "viewer@demo.local");
  await visit(page, "overview-viewer", "/", async (p) => {
    await expect(p.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    expect(await p.getByTestId("overview-row").count()).toBeGreaterThanOrEqual(12);
    await expect(p.getByRole("columnheader", { name: "Act", exact: true })).toHaveCount(0);
  });

  // email.send: promoted to RUN, then demoted by the detector — every chart and a full timeline.
  const email = await actionTypeId(page, "email.send");
  await visit(page, "action-type", `/action-types/${email}`, async (p) => {
    await expect(p.getByRole("heading", { level: 1, name: "email.send" })).toBeVisible();
    for (const chart of ["rate-chart", "evidence-chart", "counts-chart"])
      await expect(p.getByTestId(chart).locator("svg").first()).toBeVisible();
    await expect(p.getByTestId("timeline")).toContainText("automatic demotion");
    await expect(p.getByTestId("policy-history")).toContainText("v1");
    await expect(p.getByTestId("request-row").first()).toBeVisible();
  });
  // refund.issue: CRAWL since creation, with the seeded open request.
  const refund = await actionTypeId(page, "refund.issue");
  await visit(page, "action-type-crawl", `/action-types/${refund}`, async (p) => {
    await expect(p.getByRole("heading", { level: 1, name: "refund.issue" })).toBeVisible();
    for (const chart of ["rate-chart", "evidence-chart", "counts-chart"])
      await expect(p.getByTestId(chart).locator("svg").first()).toBeVisible();
    await expect(p.getByText("No tier changes yet: it has been in CRAWL since it was created.")).toBeVisible();
    await expect(p.getByTestId("request-row").filter({ hasText: "CRAWL → WALK" }).first()).toContainText("open");
  });

  await visit(page, "requests-open", "/requests", async (p) => {
    await expect(p.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
    await expect(p.getByRole("navigation", { name: "Status" })).toBeVisible();
    await expect(p.getByTestId("request-row").filter({ hasText: "refund.issue" })).toHaveCount(1);
  });
  await visit(page, "requests-all", "/requests?status=all", async (p) => {
    expect(await p.getByTestId("request-row").count()).toBeGreaterThan(5);
  });

  const row = page
    .getByTestId("request-row")
    .filter({ hasText: "refund.issue" })
    .filter({ hasText: "CRAWL → WALK" })
    .first();
  const requestId = await row.getAttribute("data-request-id");
  await visit(page, "request-requester", `/requests/${requestId}`, async (p) => {
    await expect(p.getByRole("heading", { level: 1 })).toContainText("Issue a refund: CRAWL → WALK");
    // The requester has not reviewed: the tally is sealed while the request is open (rule 3).
    await expect(p.getByTestId("quorum-sealed")).toContainText("Review is pending");
    await expect(p.getByTestId("pinned")).toBeVisible();
    await expect(p.getByTestId("live")).toBeVisible();
    await expect(p.getByText("You opened this request, so you cannot review it.")).toBeVisible();
  });

  await visit(page, "forbidden", "/forbidden", async (p) => {
    await expect(p.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  });
});

test("reviewer pages: overview with tier actions, review page, audit log", async ({ page }) => {
  await signIn(page, "reviewer1@demo.local");
  await visit(page, "overview-reviewer", "/", async (p) => {
    await expect(p.getByRole("columnheader", { name: "Act", exact: true })).toBeVisible();
    await expect(
      p.locator('[data-testid="overview-row"][data-action-key="ticket.tag"]').getByRole("button", { name: "Demote" }),
    ).toBeVisible();
  });
  await page.goto("/requests");
  const requestId = await page
    .getByTestId("request-row")
    .filter({ hasText: "refund.issue" })
    .first()
    .getAttribute("data-request-id");
  await visit(page, "request-review", `/requests/${requestId}`, async (p) => {
    await expect(p.getByTestId("reviews-hidden")).toBeVisible();
    await expect(p.getByTestId("review-form")).toBeVisible();
    await expect(p.getByTestId("pinned")).toBeVisible();
    await expect(p.getByTestId("live")).toBeVisible();
  });
  await visit(page, "audit-reviewer", "/audit", async (p) => {
    await expect(p.getByTestId("chain-badge")).toContainText("verified");
    await expect(p.getByTestId("audit-row").first()).toBeVisible();
    // Reviewers read the log but do not export it.
    await expect(p.getByRole("link", { name: "Export CSV" })).toHaveCount(0);
  });
});

test("auditor page: audit log with export", async ({ page }) => {
  await signIn(page, "auditor@demo.local");
  await visit(page, "audit", "/audit", async (p) => {
    await expect(p.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
    await expect(p.getByTestId("chain-badge")).toContainText("Hash chain verified");
    await expect(p.getByRole("link", { name: "Export CSV" })).toBeVisible();
    await expect(p.getByRole("link", { name: "Export JSON" })).toBeVisible();
    expect(await p.getByTestId("audit-row").count()).toBeGreaterThan(10);
  });
});

test("admin pages: policy editor, agents, agent, keys, users", async ({ page }) => {
  await signIn(page, "admin@demo.local");
  const refund = await actionTypeId(page, "refund.issue");
  await visit(page, "policy-editor", `/action-types/${refund}/policy`, async (p) => {
    await expect(p.getByRole("heading", { level: 1, name: "Edit bars" })).toBeVisible();
    await expect(p.getByText("Bars of refund.issue (policy v")).toBeVisible();
    await expect(p.getByLabel("Promotion bar (CRAWL→)")).toBeVisible();
    await expect(p.getByText("No changes yet.")).toBeVisible();
  });
  await visit(page, "admin-agents-list", "/admin/agents", async (p) => {
    await expect(p.getByRole("heading", { level: 1, name: "Admin" })).toBeVisible();
    await expect(p.locator('[data-testid="agent-row"][data-slug="support-bot"]')).toBeVisible();
  });
  await visit(page, "admin-agent", "/admin/agents/support-bot", async (p) => {
    await expect(p.getByRole("heading", { name: /Support Assistant/ })).toBeVisible();
    await expect(p.locator('[data-testid="action-type-row"][data-action-key="refund.issue"]')).toBeVisible();
  });
  await visit(page, "admin-keys", "/admin/keys", async (p) => {
    await expect(p.getByRole("form", { name: "Create API key" })).toBeVisible();
  });
  await visit(page, "admin-users-list", "/admin/users", async (p) => {
    expect(await p.getByTestId("user-row").count()).toBeGreaterThanOrEqual(6);
  });
});
