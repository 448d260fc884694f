// Copies the front-end files the templates use from node_modules into node_modules/.vendor/,
// which settings.STATICFILES_DIRS serves under the "vendor/" prefix:
//   vendor/htmx/htmx.min.js, vendor/pico/pico.min.css
// and the serif font of official documents (Tinos, metric-compatible with Times New Roman, with the
// Vietnamese letters), whole TTF files that khuyencong/paperwork's PDF renderer loads by file path:
//   vendor/fonts/tinos/Tinos-{Regular,Italic,Bold,BoldItalic}.ttf
// Runs as npm's postinstall (so after `npm ci`), and can be run by hand: `node scripts/vendor.mjs`.
// Fails loudly when a file is missing, so a broken install never serves pages without their assets.
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(modules, ".vendor");

// [source under node_modules, destination under .vendor]
const FILES = [
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["htmx.org/LICENSE", "htmx/LICENSE"],
  ["@picocss/pico/css/pico.min.css", "pico/pico.min.css"],
  ["@picocss/pico/LICENSE.md", "pico/LICENSE.md"],
  // @expo-google-fonts ships Google Fonts' complete TTFs; @fontsource/tinos splits each style into
  // unicode-range subsets (Vietnamese letters spread over three files) in WOFF/WOFF2 only.
  ["@expo-google-fonts/tinos/400Regular/Tinos_400Regular.ttf", "fonts/tinos/Tinos-Regular.ttf"],
  ["@expo-google-fonts/tinos/400Regular_Italic/Tinos_400Regular_Italic.ttf", "fonts/tinos/Tinos-Italic.ttf"],
  ["@expo-google-fonts/tinos/700Bold/Tinos_700Bold.ttf", "fonts/tinos/Tinos-Bold.ttf"],
  ["@expo-google-fonts/tinos/700Bold_Italic/Tinos_700Bold_Italic.ttf", "fonts/tinos/Tinos-BoldItalic.ttf"],
  ["@expo-google-fonts/tinos/LICENSE_FONT", "fonts/tinos/OFL.txt"],
];

rmSync(vendor, { recursive: true, force: true });
let missing = 0;
for (const [source, destination] of FILES) {
  const from = join(modules, source);
  const to = join(vendor, destination);
  if (!existsSync(from)) {
    console.error(`vendor: missing ${from}`);
    missing += 1;
    continue;
  }
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
if (missing) {
  process.exit(1);
}
console.log(`vendor: copied ${FILES.length} files into ${vendor}`);
