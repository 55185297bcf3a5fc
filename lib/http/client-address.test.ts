import { describe, expect, it } from "vitest";
import { clientAddress, PEER_HEADER } from "./client-address";

const h = (peer: string, xff?: string) =>
  new Headers({ [PEER_HEADER]: peer, ...(xff ? { "x-forwarded-for": xff } : {}) });

describe("client address", () => {
  it("without trusted proxies: the socket's peer, whatever X-Forwarded-For says", () => {
    expect(clientAddress(h("203.0.113.7", "1.1.1.1"), 0)).toBe("203.0.113.7");
    expect(clientAddress(h("::ffff:203.0.113.7"), 0)).toBe("203.0.113.7");
    expect(clientAddress(new Headers({ "x-forwarded-for": "1.1.1.1" }), 0)).toBe("unknown");
  });
  it("with n trusted hops: the n-th address from the right; a forged prefix changes nothing", () => {
    expect(clientAddress(h("10.0.0.2", "198.51.100.9"), 1)).toBe("198.51.100.9");
    expect(clientAddress(h("10.0.0.2", "6.6.6.6, 198.51.100.9"), 1)).toBe("198.51.100.9");
    expect(clientAddress(h("10.0.0.3", "6.6.6.6, 198.51.100.9, 10.0.0.2"), 2)).toBe("198.51.100.9");
  });
  it("too few entries or garbage: the peer", () => {
    expect(clientAddress(h("10.0.0.2"), 1)).toBe("10.0.0.2");
    expect(clientAddress(h("10.0.0.2", "not-an-ip"), 1)).toBe("10.0.0.2");
  });
});
