import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIPv4, parseIPv6, refusedAddress, refusedHostName } from "./egress";

const octet = fc.integer({ min: 0, max: 255 });
const v4 = (a: number, b: number, c: number, d: number) => `${a}.${b}.${c}.${d}`;
const hex = (n: number) => n.toString(16);

describe("egress: only public addresses", () => {
  it("refuses every address of the loopback, private, CGNAT, link-local and unspecified ranges", () => {
    const ranges: Array<[fc.Arbitrary<string>, RegExp]> = [
      [fc.tuple(octet, octet, octet).map(([b, c, d]) => v4(127, b, c, d)), /loopback/],
      [fc.tuple(octet, octet, octet).map(([b, c, d]) => v4(10, b, c, d)), /private/],
      [fc.tuple(fc.integer({ min: 16, max: 31 }), octet, octet).map(([b, c, d]) => v4(172, b, c, d)), /private/],
      [fc.tuple(octet, octet).map(([c, d]) => v4(192, 168, c, d)), /private/],
      [fc.tuple(fc.integer({ min: 64, max: 127 }), octet, octet).map(([b, c, d]) => v4(100, b, c, d)), /CGNAT/],
      [fc.tuple(octet, octet).map(([c, d]) => v4(169, 254, c, d)), /link-local/],
      [fc.tuple(octet, octet, octet).map(([b, c, d]) => v4(0, b, c, d)), /unspecified/],
    ];
    for (const [arb, reason] of ranges) fc.assert(fc.property(arb, (ip) => reason.test(refusedAddress(ip) ?? "")));
  });

  it("refuses any IPv4 address written as IPv4-mapped IPv6, in either notation", () => {
    fc.assert(
      fc.property(octet, octet, octet, octet, (a, b, c, d) => {
        const dotted = refusedAddress(`::ffff:${v4(a, b, c, d)}`);
        const hexed = refusedAddress(`::ffff:${hex((a << 8) | b)}:${hex((c << 8) | d)}`);
        return /IPv4-mapped/.test(dotted ?? "") && /IPv4-mapped/.test(hexed ?? "");
      }),
    );
  });

  it("refuses ULA, link-local, loopback and unspecified IPv6, and allows global unicast", () => {
    for (const ip of [
      "::",
      "::1",
      "fd00::1",
      "fc12:3456::9",
      "fe80::1%eth0",
      "fd00:ec2::254",
      "ff02::1",
      "2001:db8::1",
    ])
      expect(refusedAddress(ip), ip).not.toBeNull();
    for (const ip of ["2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "8.8.8.8", "1.1.1.1", "93.184.216.34"])
      expect(refusedAddress(ip), ip).toBeNull();
  });

  it("parses IPv6 as eight groups, whatever the notation", () => {
    expect(parseIPv6("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6("1::")).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6("[::ffff:169.254.169.254]")).toEqual([0, 0, 0, 0, 0, 0xffff, 0xa9fe, 0xa9fe]);
    expect(parseIPv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const bad of ["1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::g"])
      expect(parseIPv6(bad), bad).toBeNull();
    for (const bad of ["127.1", "1.2.3.256", "01.2.3.4", "1.2.3"]) expect(parseIPv4(bad), bad).toBeNull();
  });

  it("refuses names of this machine and of metadata services, and numeric host names", () => {
    for (const name of [
      "localhost",
      "LOCALHOST.",
      "a.b.localhost",
      "metadata.google.internal",
      "metadata",
      "db.internal",
      "printer.local",
      "2130706433",
      "0x7f000001",
      "0177.0.0.1",
      "127.1",
    ])
      expect(refusedHostName(name), name).not.toBeNull();
    for (const name of ["hooks.slack.com", "example.com", "1password.com", "x.internal-tools.example"])
      expect(refusedHostName(name), name).toBeNull();
  });
});
