/** PostgreSQL NOTIFY channel of tier changes. */
export const TIER_CHANNEL = "cwr_tier_changes";
