// `npx tsx scripts/create-user.ts <email> <role> [name]`: creates a user (or changes an existing
// user's role), audited as the system. For the first admin of a production database, where people
// sign in with OpenID Connect (created as viewers on first sign-in) and no demo accounts exist.
// Safe while the app runs on PostgreSQL (on the embedded default, stop the app first).
import { openDatabase } from "../lib/db/client";
import { changeRole, createUser } from "../lib/users/mutations";
import { ROLES } from "../lib/auth/permissions";

const [email, role, ...nameParts] = process.argv.slice(2);
if (!email || !role || !(ROLES as readonly string[]).includes(role)) {
  console.error(`usage: npx tsx scripts/create-user.ts <email> <${ROLES.join("|")}> [name]`);
  process.exit(2);
}
const actor = { type: "system" as const, label: "cli" };
const database = await openDatabase().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
try {
  const db = database.prisma;
  const existing = await db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true } });
  if (existing) {
    await changeRole(db, actor, { userId: existing.id, role: role as (typeof ROLES)[number] });
    console.log(`${email} is now ${role}.`);
  } else {
    await createUser(db, actor, { email, role: role as (typeof ROLES)[number], name: nameParts.join(" ") || email });
    console.log(`Created ${email} as ${role}; they sign in with OpenID Connect.`);
  }
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  await database.close().catch(() => {});
}
process.exit(process.exitCode ?? 0);
