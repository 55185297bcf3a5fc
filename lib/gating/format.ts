// Number formatting for labels people read on the dashboard.

/** Rounds x·10^d down or up to an integer; the 12-digit rounding first absorbs binary noise (0.29·100 = 28.999…96). */
function toStep(x: number, digits: number, dir: "down" | "up"): number {
  const f = 10 ** digits;
  const scaled = Number((x * f).toPrecision(12));
  return (dir === "down" ? Math.floor(scaled) : Math.ceil(scaled)) / f;
}

function trimZeros(s: string): string {
  return s.includes(".") && !s.includes("e") ? s.replace(/\.?0+$/, "") : s;
}

/**
 * "statistic ≥ required" or "statistic < required" as text whose printed
 * numbers agree with the comparison: both at one decimal, the statistic
 * rounded down, the requirement rounded down when met and up when not. So an
 * e-value of 19.96 against 20 prints "19.9 < 20", never "20.0 < 20", and
 * 33.34 against 1/0.03 prints "33.3 ≥ 33.3", never "33.3 ≥ 33.33".
 * kind "percent" prints both ×100 with a % sign.
 */
export function formatComparison(
  statistic: number,
  required: number,
  cleared: boolean,
  kind: "number" | "percent",
): string {
  const scale = kind === "percent" ? 100 : 1;
  const unit = kind === "percent" ? "%" : "";
  const s = statistic * scale;
  let stat: string;
  if (Number.isNaN(s)) stat = "NaN";
  else if (!Number.isFinite(s) || s >= 1e300)
    stat = "∞"; // a saturated e-value
  else if (s >= 1000) stat = formatLarge(s, "down");
  else if (kind === "number" && s > 0 && s < 1)
    stat = s.toPrecision(2); // below any 1/α, so never "cleared"
  else stat = toStep(s, 1, "down").toFixed(1);
  const r = required * scale;
  const req =
    r >= 1000 && Number.isFinite(r)
      ? formatLarge(r, cleared ? "down" : "up")
      : trimZeros(toStep(r, 1, cleared ? "down" : "up").toFixed(1));
  return `${stat}${unit} ${cleared ? "≥" : "<"} ${req}${unit}`;
}

const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/**
 * A number of 1,000 or more, the same way everywhere: whole with thousands separators below a
 * million ("261,930"), then "2.4 × 10¹⁰" (never "2.4e+10"); rounded in the direction given.
 */
export function formatLarge(x: number, dir: "down" | "up" = "down"): string {
  if (x < 1e6) return (dir === "down" ? Math.floor(x) : Math.ceil(x)).toLocaleString("en-US");
  let exp = Math.floor(Math.log10(x));
  let mantissa = toStep(x / 10 ** exp, 1, dir);
  if (mantissa >= 10) {
    exp += 1;
    mantissa = toStep(x / 10 ** exp, 1, dir);
  }
  const sup = String(exp)
    .split("")
    .map((d) => SUPERSCRIPT[Number(d)])
    .join("");
  return `${mantissa.toFixed(1)} × 10${sup}`;
}

/** An e-value as every page prints it: "0.15", "34.2", "261,930", "2.4 × 10¹⁰", "∞". */
export function formatEValue(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x) || x >= 1e300) return "∞";
  if (x >= 1000) return formatLarge(x, "down");
  if (x > 0 && x < 1) return x.toPrecision(2);
  return toStep(x, 1, "down").toFixed(1);
}

/** A rate as a percentage with at most 2 decimals: 0.9 → "90%", 0.925 → "92.5%". */
export function formatBar(x: number): string {
  return `${trimZeros((x * 100).toFixed(2))}%`;
}

/** Days with one decimal, rounded down: 6.98 days is "6.9", never "7.0". */
export function formatDays(x: number): string {
  return toStep(Math.max(0, x), 1, "down").toFixed(1);
}

/** Whole numbers with thousands separators: 1809 → "1,809". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/**
 * A rate beside a bar, one decimal, printed so that it never reads as the wrong side of the bar:
 * rounded down (a rate below 92% never prints "92.0%"), with a second decimal only when a rate at or
 * above a bar like 92.25% would otherwise print below it.
 */
export function formatRateAgainst(rate: number, bar: number): string {
  const down = (d: number) => Math.floor(Number((rate * 100 * 10 ** d).toPrecision(12))) / 10 ** d;
  const one = down(1);
  if (rate >= bar && one < Number((bar * 100).toPrecision(12))) return `${down(2).toFixed(2)}%`;
  return `${one.toFixed(1)}%`;
}
