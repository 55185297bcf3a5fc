import type { Actor } from "@/lib/audit/mutations";
import type { Role } from "@cwr/gating/permissions";

/** A signed-in person acting through the dashboard or a server action. */
export interface UserPrincipal {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export function userActor(user: UserPrincipal): Actor {
  return { type: "user", id: user.id, label: user.email };
}
