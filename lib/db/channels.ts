/** PostgreSQL NOTIFY channel of tier changes. */
export const TIER_CHANNEL = "cwr_tier_changes";

/** The cause a tier-channel notice carries when an agent's WALK contract changed (no tier moved). */
export const CONTRACT_CHANGE_CAUSE = "contract_change";

/** PostgreSQL NOTIFY channel of proposal decisions (the agent's tier stream says `proposal_decided`). */
export const PROPOSAL_CHANNEL = "cwr_proposal_decisions";

/** PostgreSQL NOTIFY channel of API key revocations: every instance drops the keys it remembers. */
export const KEY_CHANNEL = "cwr_key_revocations";
