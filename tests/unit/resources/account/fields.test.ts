import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { accountsJsonSchemaText } from "../../../../provider/gitops/schema-document";
import { definitionsSchemaPath, packageRoot } from "../../../../provider/gitops/schema";
import { ACCOUNT_FIELD_NAMES, ECHOED_SETTINGS } from "../../../../provider/resources/account/fields";
import { accountInputsTable, withAccountInputsTable } from "../../../../provider/resources/account/fields-markdown";

describe("Account fields: one declaration, everything derived", () => {
  it("schema/accounts.schema.json is the one generated from the declaration (run `npm run generate`)", () => {
    expect(fs.readFileSync(definitionsSchemaPath(), "utf8")).to.equal(accountsJsonSchemaText());
  });

  it("README's inputs table is the one generated from the declaration (run `npm run generate`)", () => {
    const readme = fs.readFileSync(path.join(packageRoot(), "README.md"), "utf8");
    expect(readme).to.equal(withAccountInputsTable(readme));
    for (const name of ACCOUNT_FIELD_NAMES) expect(accountInputsTable()).to.contain(`| \`${name}\` |`);
  });

  it("derives the settings kept in state", () => {
    expect(ECHOED_SETTINGS).to.deep.equal([
      "taskTimeoutSeconds",
      "pollIntervalMs",
      "reloadTrigger",
      "includeEntitlements",
    ]);
  });
});
