// Runs once when the server starts: open the database (applying migrations), seed an empty embedded
// database, start the background jobs. Any failure stops the start with one clear message.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { boot } = await import("./lib/boot");
  await boot();
}
