import { expect, test } from "@playwright/test";
import { screenshot, signIn } from "./helpers";

test("an admin creates an agent, an action type and a key (secret shown once), then revokes the key", async ({
  page,
  request,
}) => {
  const slug = `e2e-bot-${Date.now().toString(36)}`;
  await signIn(page, "admin@demo.local", "/admin");
  await expect(page).toHaveURL(/\/admin\/agents$/);

  // Agent
  const agentForm = page.getByRole("form", { name: "Create agent" });
  await agentForm.getByLabel("Slug").fill(slug);
  await agentForm.getByLabel("Name").fill("E2E bot");
  await agentForm.getByLabel("Owner").fill("Platform team");
  await agentForm.getByRole("button", { name: "Create agent" }).click();
  await expect(agentForm.getByRole("status")).toContainText(`Agent ${slug} created`);
  const agentRow = page.locator(`[data-testid="agent-row"][data-slug="${slug}"]`);
  await expect(agentRow).toContainText("Platform team");
  await expect(agentRow).toContainText("0 action types");

  // A bad slug is refused by the server with a readable message.
  await agentForm.getByLabel("Slug").fill("Not A Slug");
  await agentForm.getByLabel("Name").fill("Bad");
  await agentForm.getByLabel("Owner").fill("Nobody");
  await agentForm.getByRole("button", { name: "Create agent" }).click();
  await expect(agentForm.getByRole("alert")).toContainText("slug: use lowercase letters, digits and dashes");
  await screenshot(page, "admin-agents");

  // Action type: starts in CRAWL with the default policy of its blast radius.
  await agentRow.getByRole("link", { name: slug }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/agents/${slug}$`));
  const typeForm = page.getByRole("form", { name: "Create action type" });
  await typeForm.getByLabel("Key").fill("e2e.invoice.void");
  await typeForm.getByLabel("Name", { exact: true }).fill("Void an invoice");
  await typeForm.getByLabel("Blast radius").selectOption("high");
  await typeForm.getByLabel("Reversible").uncheck();
  await expect(typeForm.getByTestId("action-type-defaults")).toContainText("starts in CRAWL");
  await expect(typeForm.getByTestId("action-type-defaults")).toContainText("high blast radius");
  await typeForm.getByRole("button", { name: "Create action type" }).click();
  await expect(typeForm.getByRole("status")).toContainText("e2e.invoice.void created in CRAWL");
  const typeRow = page.locator('[data-testid="action-type-row"][data-action-key="e2e.invoice.void"]');
  await expect(typeRow).toHaveAttribute("data-tier", "CRAWL");
  await expect(typeRow).toContainText("high");
  await expect(typeRow).toContainText("v1");

  // The same key twice is refused (409) with the server's message.
  await typeForm.getByLabel("Key").fill("e2e.invoice.void");
  await typeForm.getByLabel("Name", { exact: true }).fill("Again");
  await typeForm.getByRole("button", { name: "Create action type" }).click();
  await expect(typeForm.getByRole("alert")).toContainText('already has an action type "e2e.invoice.void"');

  // API key: the secret is visible once, in a marked box, and nowhere else.
  const keyForm = page.getByRole("form", { name: "Create API key" });
  await keyForm.getByLabel("Key name").fill("production");
  await keyForm.getByRole("button", { name: "Create key" }).click();
  const secretBox = page.getByTestId("new-key-secret");
  await expect(secretBox).toContainText("will not be shown again");
  await expect(secretBox.getByRole("button", { name: "Copy" })).toBeVisible();
  const secret = (await page.getByTestId("new-key-secret-value").textContent())!.trim();
  expect(secret).toMatch(/^cwr_[A-Za-z0-9_-]{40,}$/);
  const prefix = secret.slice(0, 10);
  const keyRow = page.locator(`[data-testid="key-row"][data-prefix="${prefix}"]`);
  await expect(keyRow).toContainText(`${prefix}…`);
  await expect(page.getByTestId("keys-table")).not.toContainText(secret);
  await screenshot(page, "admin-key-secret");

  // The key works for the agent API.
  expect((await request.get("/api/v1/tiers", { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(200);

  // Not re-fetchable: the live list never carries it, and after a reload only the prefix remains.
  expect(await (await page.request.get("/api/dashboard/admin/keys")).text()).not.toContain(secret);
  await page.reload();
  await expect(keyRow).toContainText(`${prefix}…`);
  await expect(page.getByTestId("new-key-secret")).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  // Revoke, with confirmation.
  await keyRow.getByRole("button", { name: "Revoke" }).click();
  await expect(keyRow.getByRole("group", { name: "Confirm revocation" })).toContainText("cannot be undone");
  await keyRow.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(keyRow.getByRole("status")).toContainText("revoked");
  await expect(keyRow).toHaveAttribute("data-revoked", "true");
  await expect(keyRow.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  expect((await request.get("/api/v1/tiers", { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(401);
});

test("an admin creates a user and changes their role, but not their own", async ({ page, browser }) => {
  const email = `e2e-${Date.now().toString(36)}@demo.local`;
  await signIn(page, "admin@demo.local", "/admin/users");
  await expect(page).toHaveURL(/\/admin\/users$/);

  const userForm = page.getByRole("form", { name: "Create user" });
  await userForm.getByLabel("Email").fill(email);
  await userForm.getByLabel("Name").fill("Eve Engineer");
  // No password field: the new account is an invitation (rule 10), whose link is shown once.
  await expect(userForm.getByLabel(/password/i)).toHaveCount(0);
  await userForm.getByRole("button", { name: "Create user" }).click();
  await expect(userForm.getByRole("status")).toContainText(`User ${email} created as viewer`);
  const link = (await userForm.getByTestId("invitation-link").locator("code").textContent())!;
  expect(link).toMatch(/\/invitation#[A-Za-z0-9_-]{43}$/);
  await expect(page.locator(`[data-testid="user-row"][data-email="${email}"]`)).toContainText(
    "invitation not accepted yet",
  );

  // The invitee, in a browser of their own, sets their password with the link, once, and signs in.
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await invitee.getByLabel("New password").fill("eves-own-password-1");
  await invitee.getByLabel("Repeat it").fill("eves-own-password-1");
  await invitee.getByRole("button", { name: "Set my password" }).click();
  await expect(invitee.getByRole("status")).toContainText(`Your password is set for ${email}`);
  // The used link opened afresh (the same URL with only its fragment would not load the page again).
  await invitee.goto("about:blank");
  await invitee.goto(link);
  await invitee.getByLabel("New password").fill("someone-elses-pass");
  await invitee.getByLabel("Repeat it").fill("someone-elses-pass");
  await invitee.getByRole("button", { name: "Set my password" }).click();
  await expect(invitee.getByRole("alert").filter({ hasText: "invitation link" })).toContainText(
    "unknown, already used or expired",
  );
  await invitee.goto("/signin");
  await invitee.getByLabel("Email").fill(email);
  await invitee.getByLabel("Password").fill("eves-own-password-1");
  await invitee.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(invitee.getByTestId("current-user")).toBeVisible();
  await invitee.context().close();
  await page.reload();

  const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  await expect(row).toHaveAttribute("data-role", "viewer");
  await row.getByLabel(`Role of ${email}`).selectOption("reviewer");
  await row.getByRole("button", { name: "Change role" }).click();
  // Review power is granted by a second person (rule 10): the admin's change is an ask.
  await expect(row.getByRole("status")).toContainText(
    `Asked to make ${email} reviewer: another reviewer or admin must approve it`,
  );
  await expect(row).toHaveAttribute("data-role", "viewer");
  await row.getByLabel(`Role of ${email}`).selectOption("auditor");
  await row.getByRole("button", { name: "Change role" }).click();
  await expect(row.getByRole("status")).toContainText(`${email} is now auditor`);
  await expect(row).toHaveAttribute("data-role", "auditor");

  // Disable and enable again.
  await row.getByRole("button", { name: "Disable" }).click();
  await row.getByRole("button", { name: "Confirm disable" }).click();
  await expect(row).toHaveAttribute("data-disabled", "true");
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row).toHaveAttribute("data-disabled", "false");

  // One's own row: Change role and Disable are disabled, and the row says why (the server refuses too).
  const me = page.locator('[data-testid="user-row"][data-email="admin@demo.local"]');
  await expect(me.getByLabel("Role of admin@demo.local")).toBeDisabled();
  await expect(me.getByRole("button", { name: "Change role" })).toBeDisabled();
  await expect(me.getByRole("button", { name: "Disable" })).toBeDisabled();
  await expect(me.getByTestId("self-reason")).toContainText("You cannot change your own role or disable yourself");
  await expect(me).toHaveAttribute("data-role", "admin");
  await expect(me).toHaveAttribute("data-disabled", "false");
  await screenshot(page, "admin-users");
});

test("a viewer is kept out of admin pages and admin JSON routes", async ({ page, request }) => {
  await signIn(page, "viewer@demo.local");
  for (const path of ["/admin", "/admin/agents", "/admin/keys", "/admin/users"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/forbidden\?need=admin%3Amanage$/);
  }
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  // It says which role is needed, and the navigation is there to go elsewhere.
  await expect(page.getByTestId("forbidden-need")).toContainText("the role admin");
  await expect(page.getByTestId("forbidden-need")).toContainText("signed in as viewer");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" })).toBeVisible();

  for (const path of ["/api/dashboard/admin/users", "/api/dashboard/admin/keys", "/api/dashboard/admin/agents"]) {
    const res = await page.request.get(path);
    expect(res.status()).toBe(403);
    expect(res.headers()["content-type"]).toContain("application/json");
    expect((await res.json()).error.code).toBe("forbidden");
  }
  // Signed out: 401 JSON, not a redirect.
  const anonymous = await request.get("/api/dashboard/admin/users");
  expect(anonymous.status()).toBe(401);
  expect((await anonymous.json()).error.code).toBe("unauthenticated");
});
