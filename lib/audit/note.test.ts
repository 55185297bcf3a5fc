// C2SP signed-note and tlog-checkpoint, as golang.org/x/mod/sumdb/note reads them.
import { createHash, createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkpointBody, openNote, parseCheckpointBody, signNote, verifierKey } from "./note";

const { privateKey } = generateKeyPairSync("ed25519");
const raw = (createPublicKey(privateKey).export({ format: "jwk" }) as { x: string }).x;
const pub = Buffer.from(raw, "base64url");
const NAME = "cwr.example.com/audit";
const ROOT = createHash("sha256").update("root").digest();

describe("verifier key", () => {
  it("is name+hex(key hash)+base64(0x01 || public key), key hash = SHA-256(name || '\\n' || 0x01 || key)[:4]", () => {
    const keyHash = createHash("sha256")
      .update(Buffer.concat([Buffer.from(`${NAME}\n`), Buffer.from([1]), pub]))
      .digest()
      .subarray(0, 4);
    expect(verifierKey(NAME, createPublicKey(privateKey))).toBe(
      `${NAME}+${keyHash.toString("hex")}+${Buffer.concat([Buffer.from([1]), pub]).toString("base64")}`,
    );
  });
});

describe("signed note", () => {
  const body = checkpointBody({ origin: NAME, size: 42, root: ROOT });
  const note = signNote(body, NAME, privateKey);
  const vkey = verifierKey(NAME, createPublicKey(privateKey));

  it("is the text, a blank line and '— name base64(keyhash || signature)'", () => {
    expect(body).toBe(`${NAME}\n42\n${ROOT.toString("base64")}\n`);
    expect(note.startsWith(body + "\n— " + NAME + " ")).toBe(true);
    const sig = Buffer.from(
      note
        .slice(body.length + 1)
        .split(" ")[2]!
        .trim(),
      "base64",
    );
    expect(sig.length).toBe(68);
    expect(note.endsWith("\n")).toBe(true);
  });

  it("opens with the right key and yields the checkpoint", () => {
    const opened = openNote(note, [vkey]);
    expect(opened.text).toBe(body);
    expect(parseCheckpointBody(opened.text)).toEqual({ origin: NAME, size: 42, root: ROOT, extensions: [] });
  });

  it("is refused when any byte of the text or signature changes, or under another key or name", () => {
    const other = verifierKey(NAME, createPublicKey(generateKeyPairSync("ed25519").privateKey));
    const renamed = verifierKey("other.example/audit", createPublicKey(privateKey));
    expect(() => openNote(note, [other])).toThrow(/no signature|unknown key/i);
    expect(() => openNote(note, [renamed])).toThrow();
    for (let i = 0; i < note.length - 1; i++) {
      if (note[i] === "\n") continue;
      const c = note.charCodeAt(i);
      const tampered = note.slice(0, i) + String.fromCharCode(c === 0x41 ? 0x42 : 0x41) + note.slice(i + 1);
      if (tampered === note) continue;
      expect(() => openNote(tampered, [vkey]), `byte ${i}`).toThrow();
    }
  });

  it("parses only a well-formed checkpoint body", () => {
    for (const bad of [
      "origin\n42\n",
      "origin\n-1\n" + ROOT.toString("base64") + "\n",
      "origin\n01\n" + ROOT.toString("base64") + "\n",
      "origin\n42\nnot-base64\n",
      "origin\n42\n" + ROOT.subarray(1).toString("base64") + "\n",
      "\n42\n" + ROOT.toString("base64") + "\n",
    ])
      expect(() => parseCheckpointBody(bad), bad).toThrow();
  });
});
