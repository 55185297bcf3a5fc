// Calls a server action over HTTP exactly as the browser does (POST with the Next-Action header,
// the arguments as JSON), so attack tests reach actions without a browser. Action ids come from the
// production build's manifest; the page a request is posted to must be one that uses the action.
import { readFileSync } from "node:fs";
import path from "node:path";

interface ManifestEntry {
  workers: Record<string, unknown>;
  exportedName?: string;
  filename?: string;
}

export interface ServerActionRef {
  id: string;
  name: string;
  /** a page path whose bundle holds the action */
  page: string;
}

function pagePath(worker: string): string | null {
  // "app/(dashboard)/requests/page" → "/requests"; dynamic segments get a placeholder uuid.
  const m = /^app(\/.*)?\/page$/.exec(worker);
  if (!m) return null;
  const p = (m[1] ?? "")
    .split("/")
    .filter((s) => s && !/^\(.*\)$/.test(s))
    .map((s) => (/^\[.*\]$/.test(s) ? "00000000-0000-4000-8000-000000000000" : s))
    .join("/");
  return `/${p}`;
}

export function serverActions(distDir = process.env.NEXT_DIST_DIR || ".next"): ServerActionRef[] {
  const manifest = JSON.parse(readFileSync(path.join(distDir, "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, ManifestEntry>;
  };
  const out: ServerActionRef[] = [];
  for (const [id, entry] of Object.entries(manifest.node)) {
    const pages = Object.keys(entry.workers)
      .map(pagePath)
      .filter((p): p is string => p !== null)
      .sort((a, b) => Number(a.includes("0000")) - Number(b.includes("0000")) || a.length - b.length);
    if (entry.exportedName && pages[0]) out.push({ id, name: entry.exportedName, page: pages[0] });
  }
  return out;
}

export function actionRef(name: string): ServerActionRef {
  const found = serverActions().find((a) => a.name === name);
  if (!found) throw new Error(`server action ${name} is not in the build's manifest`);
  return found;
}

/** Posts the action; returns the HTTP status and, when the action answered, its result object. */
export async function callAction(
  baseUrl: string,
  cookie: string,
  action: ServerActionRef | string,
  input: unknown,
  rawBody?: string,
): Promise<{ status: number; result: unknown; text: string }> {
  const ref = typeof action === "string" ? actionRef(action) : action;
  const res = await fetch(baseUrl + ref.page, {
    method: "POST",
    redirect: "manual",
    headers: {
      "next-action": ref.id,
      accept: "text/x-component",
      "content-type": "text/plain;charset=UTF-8",
      origin: baseUrl,
      cookie,
    },
    body: rawBody ?? JSON.stringify([input]),
  });
  const text = await res.text();
  const line = text.split("\n").find((l) => l.startsWith("1:"));
  let result: unknown = null;
  try {
    result = line ? JSON.parse(line.slice(2)) : null;
  } catch {
    result = null;
  }
  return { status: res.status, result, text };
}
