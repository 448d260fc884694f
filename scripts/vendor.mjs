// Copies the front-end files the templates use from node_modules into node_modules/.vendor/,
// which settings.STATICFILES_DIRS serves under the "vendor/" prefix:
//   vendor/htmx/htmx.min.js, vendor/pico/pico.min.css
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
