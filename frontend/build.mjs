// Compiles our Sass with GOV.UK Frontend and copies the parts of the npm package the pages use into
// static/build/, which Django's staticfiles then serves (and collectstatic fingerprints).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "static", "build");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "frontend", "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
});
writeFileSync(join(out, "app.css"), result.css);

for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(join(govuk, name), join(out, name));
}
cpSync(join(govuk, "assets", "images"), join(out, "assets", "images"), { recursive: true });
console.log(`GOV.UK Frontend built into ${out} (app.css ${result.css.length} bytes)`);
