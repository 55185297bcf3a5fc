// The gating core: pure rules and statistics of SPEC §2–3. No I/O, no clock.
export * from "./types";
export * from "./beta";
export * from "./normal";
export * from "./statistics";
export * from "./format";
export * from "./outcomes";
export * from "./defaults";
export * from "./eligibility";
export * from "./demotion";
export * from "./reviews";
export * from "./policy-diff";
export * from "./request-machine";
export * from "./request-open";
export * from "./canonical";
