import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cosign, openCosignature, parseWitnessKey, witnessVerifierKey } from "./cosignature";
import { checkpointBody } from "./note";

const { privateKey } = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519").privateKey;
const NAME = "auditor.example/w1";
const witness = parseWitnessKey(witnessVerifierKey(NAME, privateKey));
const body = (size: number, seed: number) =>
  checkpointBody({ origin: "cwr.example/audit", size, root: Buffer.alloc(32, seed) });

describe("C2SP tlog-cosignature/v1", () => {
  it("a cosignature opens with the witness's key and carries its time", () => {
    fc.assert(
      fc.property(fc.nat(1e9), fc.nat(255), fc.nat(2 ** 40), (size, seed, time) => {
        const line = cosign(body(size, seed), NAME, privateKey, time);
        expect(line).toMatch(new RegExp(`^— ${NAME.replace(".", "\\.")} [A-Za-z0-9+/]+=*\\n$`));
        expect(openCosignature(body(size, seed), line, [witness])).toEqual({ witness: NAME, time, line });
      }),
      { numRuns: 200 },
    );
  });

  it("any other checkpoint, a flipped byte or another key fails", () => {
    const line = cosign(body(7, 1), NAME, privateKey, 1_700_000_000);
    expect(() => openCosignature(body(8, 1), line, [witness])).toThrow(/invalid cosignature/);
    expect(() => openCosignature(body(7, 2), line, [witness])).toThrow(/invalid cosignature/);
    const bytes = Buffer.from(line.trim().split(" ")[2]!, "base64");
    for (const i of [5, 11, 20, 70]) {
      const flipped = Buffer.from(bytes);
      flipped[i] = flipped[i]! ^ 1;
      expect(() => openCosignature(body(7, 1), `— ${NAME} ${flipped.toString("base64")}\n`, [witness])).toThrow();
    }
    // Signed by another key under the same name: its key ID is not the trusted one.
    expect(openCosignature(body(7, 1), cosign(body(7, 1), NAME, other, 1), [witness])).toBeNull();
  });

  it("a witness key names a cosignature/v1 Ed25519 key and its ID", () => {
    const vkey = witnessVerifierKey(NAME, privateKey);
    const [, id, key] = vkey.split("+");
    expect(Buffer.from(key!, "base64")[0]).toBe(4);
    expect(() => parseWitnessKey(vkey.replace(`+${id}+`, "+00000000+"))).toThrow(/does not match/);
    expect(() =>
      parseWitnessKey(`${NAME}+${id}+${Buffer.concat([Buffer.from([1]), Buffer.alloc(32)]).toString("base64")}`),
    ).toThrow(/type byte/);
  });
});
