// `npm run key:create -- [--reporter] <agent-slug> [key name]`: creates an API key and prints it once.
// --reporter: a reporter key (reports the agent's outcomes only; SPEC §8).
// Needs the database to itself: with the embedded default, stop the app first (or use Admin → API keys).
import { openDatabase } from "../lib/db/client";
import { createApiKey } from "../lib/keys/mutations";

const args = process.argv.slice(2);
const scope = args.includes("--reporter") ? "reporter" : "agent";
const [slug, ...nameParts] = args.filter((a) => a !== "--reporter");
if (!slug) {
  console.error("usage: npm run key:create -- [--reporter] <agent-slug> [key name]");
  process.exit(2);
}
const database = await openDatabase().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
try {
  const agent = await database.prisma.agent.findUnique({ where: { slug }, select: { id: true } });
  if (!agent) {
    console.error(
      `No agent "${slug}". Agents: ${(await database.prisma.agent.findMany({ select: { slug: true } })).map((a) => a.slug).join(", ")}`,
    );
    process.exitCode = 1;
  } else {
    const key = await createApiKey(
      database.prisma,
      { type: "system", label: "cli" },
      { agentId: agent.id, name: nameParts.join(" ") || "cli", scope },
    );
    console.log(key.secret);
  }
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  await database.close().catch(() => {});
}
process.exit(process.exitCode ?? 0);
