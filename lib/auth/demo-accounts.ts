import type { Role } from "@cwr/gating/permissions";

/** Demo accounts of the embedded default (printed in the README and on the sign-in page). */
export const DEMO_PASSWORD = "walk-before-you-run";

export const DEMO_ACCOUNTS: ReadonlyArray<{ email: string; name: string; role: Role }> = [
  { email: "viewer@demo.local", name: "Vera Viewer (engineer)", role: "viewer" },
  { email: "reviewer1@demo.local", name: "Rosa Reviewer", role: "reviewer" },
  { email: "reviewer2@demo.local", name: "Raj Reviewer", role: "reviewer" },
  { email: "reviewer3@demo.local", name: "Rene Reviewer", role: "reviewer" },
  { email: "admin@demo.local", name: "Ada Admin", role: "admin" },
  { email: "auditor@demo.local", name: "Otto Auditor", role: "auditor" },
  { email: "operator@demo.local", name: "Olga Operator (front line)", role: "operator" },
];
