import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: [".next/**", ".next-*/**", "node_modules/**", "lib/db/generated/**", "next-env.d.ts", ".data/**", "test-results/**", "playwright-report/**"] },
];
export default config;
