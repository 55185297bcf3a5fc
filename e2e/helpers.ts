import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "../lib/auth/demo-accounts";

/** The e2e server that runs the live demo (playwright.config.ts's second web server). */
export const DEMO_BASE_URL = `http://localhost:${Number(process.env.E2E_DEMO_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 1)}`;

export async function signIn(page: Page, email: string, returnTo = "/") {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}
