// PGlite runs the database inside this thread, and its queries settle as microtasks: a transaction of
// twenty queries would otherwise run from BEGIN to COMMIT without the event loop ever reaching a
// socket, so an agent's decision waited for a whole 1,000-event batch (issue 21 item 7). Every query
// (inside a transaction too) starts on a later turn of the loop, so whatever is waiting is served
// between two statements; one statement is the longest the loop can be held.
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { nextTurn } from "@/lib/next-turn";

function withTurns<T extends object>(target: T, overrides: Partial<Record<keyof T, unknown>>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (Object.prototype.hasOwnProperty.call(overrides, prop)) return overrides[prop as keyof T];
      const value = Reflect.get(t, prop, t) as unknown;
      // PGlite's methods use private fields: they must run on the real object, not the proxy.
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
}

function transactionWithTurns(tx: Transaction): Transaction {
  return withTurns(tx, {
    query: (async (...args: Parameters<Transaction["query"]>) => {
      await nextTurn();
      return tx.query(...args);
    }) as Transaction["query"],
  });
}

/** The PGlite instance the Prisma adapter is given: the same database, one loop turn before each query. */
export function pgliteWithTurns(pglite: PGlite): PGlite {
  return withTurns(pglite, {
    query: (async (...args: Parameters<PGlite["query"]>) => {
      await nextTurn();
      return pglite.query(...args);
    }) as PGlite["query"],
    transaction: (<T>(fn: (tx: Transaction) => Promise<T>) =>
      pglite.transaction((tx) => fn(transactionWithTurns(tx)))) as PGlite["transaction"],
  });
}
