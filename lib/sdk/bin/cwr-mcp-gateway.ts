#!/usr/bin/env node
// npx cwr-mcp-gateway --config gateway.json [--http PORT [--host HOST]]
import { main } from "../mcp-gateway/main";

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`cwr-mcp-gateway: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
