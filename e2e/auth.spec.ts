import { expect, test } from "@playwright/test";
import { DEMO_ACCOUNTS } from "../lib/auth/demo-accounts";
import { screenshot, signIn } from "./helpers";

test("a signed-out visitor is sent to sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2F/);
  await expect(page.getByRole("heading", { name: "Crawl · Walk · Run" })).toBeVisible();
  await screenshot(page, "signin");
});

test("a wrong password is refused with a readable message", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill("admin@demo.local");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
});

for (const account of DEMO_ACCOUNTS) {
  test(`${account.role} ${account.email} signs in and sees the seeded overview`, async ({ page }) => {
    await signIn(page, account.email);
    await expect(page.getByTestId("current-user")).toContainText(account.role);
    const rows = page.getByTestId("overview-row");
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeGreaterThanOrEqual(12);
    await expect(page.locator('[data-action-key="refund.issue"]')).toBeVisible();
    if (account.email === "viewer@demo.local") await screenshot(page, "overview");
  });
}

test("an unauthenticated API call gets a JSON 401, not a redirect", async ({ request }) => {
  const res = await request.get("/api/v1/tiers");
  expect(res.status()).toBe(401);
  expect((await res.json()).error.code).toBe("unauthenticated");
});
