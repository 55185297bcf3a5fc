import { AppError } from "@/lib/errors";
import type { Principal } from "./route";

/** The calling agent of a key-authenticated route. */
export function agentOf(principal: Principal) {
  if (principal.kind !== "agent") throw new AppError("unauthenticated", "This route needs an API key.");
  return principal.key;
}
