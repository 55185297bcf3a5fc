// Tailwind 4 reads this file only through `@config` in app/globals.css.
const config = {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        crawl: { DEFAULT: "#b45309", soft: "#fef3c7" },
        walk: { DEFAULT: "#1d4ed8", soft: "#dbeafe" },
        run: { DEFAULT: "#047857", soft: "#d1fae5" },
      },
    },
  },
};
export default config;
