import { describe, expect, it } from "vitest";
import { hashQueueStats, HashQueueFull, withHashSlot } from "./hash-queue";

describe("bounded hashing queue", () => {
  it("runs at most the configured number at once and refuses beyond the queue", async () => {
    const { concurrency, maxQueued } = hashQueueStats();
    let active = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const job = () =>
      withHashSlot(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((r) => releases.push(r));
        active--;
      });
    const accepted = Array.from({ length: concurrency + maxQueued }, job);
    await expect(job()).rejects.toBeInstanceOf(HashQueueFull);
    while (releases.length || hashQueueStats().running) {
      await new Promise((r) => setTimeout(r, 1));
      releases.shift()?.();
    }
    await Promise.all(accepted);
    expect(peak).toBe(concurrency);
    expect(hashQueueStats()).toMatchObject({ running: 0, waiting: 0 });
  });
});
