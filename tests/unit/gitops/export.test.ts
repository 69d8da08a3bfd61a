import { expect } from "chai";
import type { Account, SourceSchema } from "../../../provider/client/types";
import { exportFileName, renderExport, type ExportedSource } from "../../../provider/gitops/export";
import { parseDefinitionsFile } from "../../../provider/gitops/loader";
import { iscAccount } from "../../support/accounts";
import { IDENTITY_1, SOURCE_A } from "../../support/gitops-fixtures";

const schema: SourceSchema = {
  identityAttribute: "id",
  attributes: [
    { name: "id", type: "STRING" },
    { name: "displayName", type: "STRING" },
    { name: "email", type: "STRING" },
    { name: "groups", type: "STRING", isMulti: true },
  ],
};

function account(id: string, nativeIdentity: string, extra: Partial<Account> = {}): Account {
  return iscAccount(id, SOURCE_A, nativeIdentity, extra);
}

function source(accounts: Account[], overrides: Partial<ExportedSource> = {}): ExportedSource {
  return { id: SOURCE_A, name: "HR", schema, accounts, ...overrides };
}

describe("gitops export rendering", () => {
  const accounts = [
    account("a2", "jdoe", {
      identityId: IDENTITY_1,
      attributes: { id: "jdoe", displayName: "John", groups: ["vpn", "admins"] },
    }),
    account("a1", "Zed", {
      disabled: true,
      identityId: null,
      attributes: { id: "Zed", email: "z@example.com", groups: "solo" },
    }),
    account("a3", "123", { attributes: { id: "123", displayName: "yes" } }),
  ];

  it(
    "writes accounts sorted by nativeIdentity with the schema's attributes, adopting, and loads back as in-sync " +
      "definitions",
    () => {
      const { text, accountCount, warnings } = renderExport(source(accounts));
      expect(accountCount).to.equal(3);
      expect(warnings).to.deep.equal([]);
      const parsed = parseDefinitionsFile("hr.yaml", text);
      expect(parsed.errors).to.deep.equal([]);
      expect(parsed.definitions.map((d) => d.nativeIdentity)).to.deep.equal(["123", "Zed", "jdoe"]); // code-unit order
      const [numeric, zed, jdoe] = parsed.definitions;
      // Strings YAML would read as numbers or booleans stay strings.
      expect(numeric.attributes).to.deep.equal({ displayName: "yes", email: null, groups: null });
      expect(zed).to.deep.include({ enabled: false, adopt: true });
      expect(zed.attributes).to.deep.equal({ displayName: null, email: "z@example.com", groups: ["solo"] });
      expect(zed).to.not.have.property("identityId"); // uncorrelated: correlation is not managed
      expect(jdoe).to.deep.include({ enabled: true, identityId: IDENTITY_1, adopt: true });
      expect(jdoe.attributes).to.deep.equal({ displayName: "John", email: null, groups: ["admins", "vpn"] });
      expect(text).to.not.match(/^\s+id:/m); // the identity attribute is filled from nativeIdentity by the provider
    },
  );

  it("is stable: the tenant's listing order does not change a byte", () => {
    expect(renderExport(source([...accounts].reverse())).text).to.equal(renderExport(source(accounts)).text);
  });

  it("--attribute limits the attributes, and an attribute not in the schema is an error naming the known ones", () => {
    const parsed = parseDefinitionsFile("hr.yaml", renderExport(source(accounts), { attributes: ["email"] }).text);
    expect(parsed.definitions.map((d) => d.attributes)).to.deep.equal([
      { email: null },
      { email: "z@example.com" },
      { email: null },
    ]);
    expect(() => renderExport(source(accounts), { attributes: ["mail"] })).to.throw(
      /--attribute mail: not in the account schema .*known attributes: displayName, email, groups, id/,
    );
  });

  it("exports one account per nativeIdentity and warns when ISC holds two", () => {
    const { text, warnings } = renderExport(source([account("b", "dup"), account("a", "dup")]));
    expect(parseDefinitionsFile("hr.yaml", text).definitions).to.have.lengthOf(1);
    expect(warnings).to.deep.equal(['nativeIdentity "dup" is held by 2 accounts (a, b); exported only a']);
  });

  it("names files from the source name, portable, with the id when empty or taken", () => {
    expect(exportFileName({ id: SOURCE_A, name: "HR Accounts (EU)" }, new Set())).to.equal("hr-accounts-eu.yaml");
    expect(exportFileName({ id: SOURCE_A, name: "Zürich / Ventes" }, new Set())).to.equal("zurich-ventes.yaml");
    expect(exportFileName({ id: SOURCE_A, name: "../../etc" }, new Set())).to.equal("etc.yaml");
    expect(exportFileName({ id: SOURCE_A, name: "人事" }, new Set())).to.equal(`${SOURCE_A}.yaml`);
    expect(exportFileName({ id: SOURCE_A, name: "HR" }, new Set(["hr.yaml"]))).to.equal(`hr-${SOURCE_A}.yaml`);
  });

  it("gives every source of one run its own file, whatever names the sources have", () => {
    const idB = "2c9180857df6aa8f017e1a4fb1e20b0b";
    const taken = new Set<string>();
    // The order `export --source C --source A --source B` plans them: C's name is what B's fallback would be.
    for (const source of [
      { id: "2c9180857df6aa8f017e1a4fb1e20c0c", name: `HR-${idB}` },
      { id: SOURCE_A, name: "HR" },
      { id: idB, name: "hr" },
    ])
      taken.add(exportFileName(source, taken));
    expect([...taken]).to.deep.equal([`hr-${idB}.yaml`, "hr.yaml", `hr-${idB}-2.yaml`]);
  });

  it("leaves out, with a warning, an account whose definition validate would reject", () => {
    const { text, accountCount, warnings } = renderExport({
      id: SOURCE_A,
      name: "HR",
      schema,
      accounts: [
        iscAccount("a1", SOURCE_A, "jdoe ", { attributes: { id: "jdoe " } }),
        iscAccount("a2", SOURCE_A, "asmith", { attributes: { id: "asmith" } }),
      ],
    });
    expect(accountCount).to.equal(1);
    expect(parseDefinitionsFile("hr.yaml", text).errors).to.deep.equal([]);
    expect(warnings).to.have.lengthOf(1);
    expect(warnings[0]).to.match(
      /^account "jdoe " \(id a1\) left out: nativeIdentity must not start or end with spaces/,
    );
  });
});
