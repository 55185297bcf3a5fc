// Where outbound webhooks may go (SPEC §6): only to public addresses. Pure: the shell resolves names
// and asks here about every address it got, and about the name itself. Loopback, unspecified,
// private, shared (CGNAT), link-local (the cloud metadata services live there), ULA, IPv4-mapped and
// other special-purpose ranges are refused, with the reason in words.

/** Four octets of a strict dotted-quad IPv4 address, else null. */
export function parseIPv4(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const octets = parts.map((p) => (/^(0|[1-9]\d{0,2})$/.test(p) ? Number(p) : NaN));
  return octets.every((o) => o >= 0 && o <= 255) ? octets : null;
}

/** Eight 16-bit groups of an IPv6 address (a zone id and an embedded dotted quad allowed), else null. */
export function parseIPv6(text: string): number[] | null {
  let s = text.replace(/^\[|\]$/g, "");
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(":")) return null;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    // An embedded dotted quad (::ffff:1.2.3.4) is the last two groups.
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return null;
    s = `${s.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const group = (g: string) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN);
  const side = (h: string | undefined) => (h ? h.split(":").map(group) : []);
  const head = side(halves[0]);
  const rest = halves.length === 2 ? side(halves[1]) : [];
  const fixed = [...head, ...rest];
  if (fixed.some((g) => Number.isNaN(g))) return null;
  if (halves.length === 1) return fixed.length === 8 ? fixed : null;
  if (fixed.length > 7) return null;
  return [...head, ...new Array<number>(8 - fixed.length).fill(0), ...rest];
}

const V4_RANGES: ReadonlyArray<[number[], number, string]> = [
  [[0, 0, 0, 0], 8, "unspecified (0.0.0.0/8)"],
  [[10, 0, 0, 0], 8, "private (10.0.0.0/8)"],
  [[100, 64, 0, 0], 10, "shared address space (CGNAT, 100.64.0.0/10)"],
  [[127, 0, 0, 0], 8, "loopback"],
  [[169, 254, 0, 0], 16, "link-local (cloud metadata lives here)"],
  [[172, 16, 0, 0], 12, "private (172.16.0.0/12)"],
  [[192, 0, 0, 0], 24, "reserved for protocol assignments (192.0.0.0/24)"],
  [[192, 0, 2, 0], 24, "reserved for documentation"],
  [[192, 168, 0, 0], 16, "private (192.168.0.0/16)"],
  [[198, 18, 0, 0], 15, "reserved for benchmarking"],
  [[198, 51, 100, 0], 24, "reserved for documentation"],
  [[203, 0, 113, 0], 24, "reserved for documentation"],
  [[224, 0, 0, 0], 4, "multicast"],
  [[240, 0, 0, 0], 4, "reserved (240.0.0.0/4)"],
];

const v4Number = (o: readonly number[]) => ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;

function refusedV4(octets: readonly number[]): string | null {
  const n = v4Number(octets);
  for (const [base, bits, reason] of V4_RANGES) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((n & mask) >>> 0 === (v4Number(base) & mask) >>> 0) return reason;
  }
  return null;
}

function refusedV6(g: readonly number[]): string | null {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (g.every((x) => x === 0)) return "unspecified (::)";
  if (zeroUpTo(7) && g[7] === 1) return "loopback (::1)";
  if (zeroUpTo(5) && g[5] === 0xffff) return "an IPv4-mapped address (::ffff:0:0/96)";
  if (zeroUpTo(6)) return "an IPv4-compatible address (::/96)";
  if (g[0] === 0x64 && g[1] === 0xff9b) return "NAT64 (64:ff9b::/96), which reaches IPv4 addresses";
  if (g[0] === 0x2002) return "6to4 (2002::/16), which reaches IPv4 addresses";
  if (g[0] === 0x2001 && g[1] === 0) return "Teredo (2001::/32), which reaches IPv4 addresses";
  if (g[0] === 0x2001 && g[1] === 0xdb8) return "reserved for documentation (2001:db8::/32)";
  if (g[0] === 0x100 && zeroUpTo(4)) return "discard-only (100::/64)";
  if ((g[0]! & 0xfe00) === 0xfc00) return "a unique local address (ULA, fc00::/7)";
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local (fe80::/10)";
  if ((g[0]! & 0xffc0) === 0xfec0) return "site-local (fec0::/10)";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  return null;
}

/** Why this IP address is not a public destination, or null when it is. Not an IP address: refused. */
export function refusedAddress(ip: string): string | null {
  const v4 = parseIPv4(ip);
  if (v4) return refusedV4(v4);
  const v6 = parseIPv6(ip);
  if (v6) return refusedV6(v6);
  return "not an IP address";
}

/** Names that mean this machine, its network or a metadata service, whatever DNS says. */
const REFUSED_NAMES = new Set([
  "localhost",
  "localhost.localdomain",
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
]);
const REFUSED_SUFFIXES = [".localhost", ".local", ".internal", ".localdomain", ".home.arpa"];

/** Why this host name (not an address) may not be a destination, or null. */
export function refusedHostName(host: string): string | null {
  const name = host.toLowerCase().replace(/\.$/, "");
  if (REFUSED_NAMES.has(name) || REFUSED_SUFFIXES.some((s) => name.endsWith(s)))
    return `${name} names this machine, its network or a metadata service`;
  // 2130706433, 0x7f000001, 017700000001, 127.1: numeric forms some resolvers read as addresses.
  if (/^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+)){0,3}$/i.test(name)) return `${name} is a numeric host name`;
  return null;
}
