// Password hashing (scrypt: CPU- and memory-hard) runs under a bounded concurrency, so a flood of
// sign-ins queues here instead of taking every core from the agents' decisions (SPEC §6). A full
// queue refuses at once (the sign-in answers "busy, try again"), so memory stays bounded too.
const CONCURRENCY = Math.max(1, Number(process.env.SIGNIN_HASH_CONCURRENCY ?? 1));
const MAX_QUEUED = Math.max(0, Number(process.env.SIGNIN_HASH_QUEUE ?? 32));

export class HashQueueFull extends Error {
  constructor() {
    super("Too many sign-ins at once; try again in a moment.");
    this.name = "HashQueueFull";
  }
}

let running = 0;
const waiting: Array<() => void> = [];

export async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) {
    if (waiting.length >= MAX_QUEUED) throw new HashQueueFull();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next)
      next(); // hand the slot over
    else running--;
  }
}

export function hashQueueStats() {
  return { running, waiting: waiting.length, concurrency: CONCURRENCY, maxQueued: MAX_QUEUED };
}
