// One archive file: NDJSON lines through gzip into a hidden partial file, synced, then renamed into
// place (a file with its final name is always complete). No database access.
import { createHash } from "node:crypto";
import {
  closeSync,
  createWriteStream,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { createGzip } from "node:zlib";

export interface ArchiveFile {
  write(line: string): Promise<void>;
  /** completes the file as `name` in the folder; returns its SHA-256 */
  commit(name: string): Promise<string>;
  /** drops the partial file (nothing to archive) */
  discard(): Promise<void>;
}

export function openArchiveFile(dir: string, label: string): ArchiveFile {
  mkdirSync(dir, { recursive: true });
  const partial = path.join(dir, `.outcome-events-${label}.partial`);
  const gzip = createGzip();
  const out = createWriteStream(partial);
  gzip.pipe(out);
  const close = async () => {
    gzip.end();
    await once(out, "finish");
  };
  return {
    async write(line) {
      if (!gzip.write(line + "\n")) await once(gzip, "drain");
    },
    async commit(name) {
      await close();
      const fd = openSync(partial, "r");
      fsyncSync(fd);
      closeSync(fd);
      const file = path.join(dir, name);
      renameSync(partial, file);
      return createHash("sha256").update(readFileSync(file)).digest("hex");
    },
    async discard() {
      await close();
      rmSync(partial, { force: true });
    },
  };
}
