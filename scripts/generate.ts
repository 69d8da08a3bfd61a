/**
 * Writes what is generated from the Account's field declaration: schema/accounts.schema.json (for
 * editors) and the README's inputs table. Tests fail while either is out of date.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { withAccountInputsTable } from "../provider/resources/account/fields-markdown";
import { accountsJsonSchemaText } from "../provider/gitops/schema-document";
import { definitionsSchemaPath, packageRoot } from "../provider/gitops/schema";

function writeIfChanged(file: string, text: string): void {
  const old = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  if (old === text) return;
  fs.writeFileSync(file, text);
  process.stdout.write(`wrote ${path.relative(packageRoot(), file)}\n`);
}

writeIfChanged(definitionsSchemaPath(), accountsJsonSchemaText());
const readme = path.join(packageRoot(), "README.md");
writeIfChanged(readme, withAccountInputsTable(fs.readFileSync(readme, "utf8")));
