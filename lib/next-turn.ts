// Resolves on a later turn of the event loop (after pending I/O callbacks): long work that awaits it
// between chunks lets sockets, an agent's decision among them, be served in between (SPEC §6).
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
