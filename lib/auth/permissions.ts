// Moved to lib/gating/permissions.ts (the gating rules ask the same table). Re-exported for one
// step so code written against this path keeps compiling; new code imports "@cwr/gating/permissions".
export * from "@cwr/gating/permissions";
