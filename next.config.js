/** @type {import('next').NextConfig} */
const nextConfig = {
  // Parallel builds (a second checkout's tests, benchmarks) can use their own output folder.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // PGlite ships WASM and data files that must be loaded from node_modules at run time, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // `npm test` runs tsc over the whole project first; the build need not type-check a second time.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
          // Content-Security-Policy: per request, with a nonce, in proxy.ts.
        ],
      },
    ];
  },
};

export default nextConfig;
