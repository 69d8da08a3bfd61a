import { expect } from "chai";
import type { Account } from "../../../provider/client/types";
import { iscAccount } from "../../support/accounts";
import type { AccountDefinition } from "../../../provider/gitops/definitions";
import { compareWithTenant, hasDrift } from "../../../provider/gitops/drift-report";
import { driftReportJson, driftSummaryLine, formatDriftTable } from "../../../provider/gitops/drift-format";
import { accountResourceName } from "../../../provider/gitops/naming";
import { planAccountChanges } from "../../../provider/engine/account-plan";
import { currentFromAccount } from "../../../provider/resources/account/outputs";
import { IDENTITY_1, SOURCE_A, SOURCE_B } from "../../support/gitops-fixtures";

const IDENTITY_2 = "2c9180835d2e5168015d32f890ca1582";

function definition(
  nativeIdentity: string,
  extra: Partial<AccountDefinition> = {},
  sourceId = SOURCE_A,
): AccountDefinition {
  return {
    sourceId,
    nativeIdentity,
    attributes: {},
    enabled: true,
    resourceName: accountResourceName(sourceId, nativeIdentity),
    location: { file: "a.yaml", line: 3 },
    ...extra,
  };
}

function account(nativeIdentity: string, extra: Partial<Account> = {}, sourceId = SOURCE_A): Account {
  return iscAccount(`id-${nativeIdentity}`, sourceId, nativeIdentity, { sourceName: "HR", ...extra });
}

const options = { baseUrl: "https://acme.api.identitynow.com", now: new Date("2026-01-02T03:04:05.000Z") };

describe("gitops drift comparison", () => {
  it("treats values the provider considers equal as in sync (normalize.ts)", () => {
    const defs = [
      definition("jdoe", { attributes: { groups: ["vpn", "contractors"], email: "j@x", gone: null, single: ["a"] } }),
    ];
    const tenant = [
      account("jdoe", {
        attributes: { groups: ["contractors", "vpn"], email: "j@x", gone: "", single: "a", other: "x" },
      }),
    ];
    const report = compareWithTenant(defs, [{ sourceId: SOURCE_A, accounts: tenant }], options);
    expect(report.summary).to.deep.equal({ managed: 1, inSync: 1, drifted: 0, missing: 0, unmanaged: 0 });
    expect(hasDrift(report)).to.equal(false);
  });

  it("reports each kind of difference with expected and actual values", () => {
    const defs = [
      definition("jdoe", {
        attributes: { email: "new@x", groups: ["a", "b"], phone: null },
        identityId: IDENTITY_1,
        manuallyCorrelated: true,
        enabled: false,
        unlock: true,
      }),
    ];
    const tenant = [
      account("jdoe", {
        attributes: { email: "old@x", groups: ["b"], phone: "555" },
        identityId: IDENTITY_2,
        manuallyCorrelated: false,
        disabled: false,
        locked: true,
      }),
    ];
    const report = compareWithTenant(defs, [{ sourceId: SOURCE_A, accounts: tenant }], options);
    expect(report.accounts).to.deep.equal([
      {
        sourceId: SOURCE_A,
        nativeIdentity: "jdoe",
        accountId: "id-jdoe",
        status: "drifted",
        definedAt: "a.yaml:3",
        differences: [
          { field: "attributes.email", expected: "new@x", actual: "old@x" },
          { field: "attributes.groups", expected: ["a", "b"], actual: ["b"] },
          { field: "attributes.phone", expected: null, actual: "555" },
          { field: "identityId", expected: IDENTITY_1, actual: IDENTITY_2 },
          { field: "manuallyCorrelated", expected: true, actual: false },
          { field: "enabled", expected: false, actual: true },
          { field: "locked", expected: false, actual: true },
        ],
      },
    ]);
  });

  it("compares correlation only when declared; identityId null means uncorrelated", () => {
    const tenant = [account("a", { identityId: IDENTITY_1 }), account("b", { identityId: IDENTITY_1 })];
    const defs = [definition("a"), definition("b", { identityId: null })];
    const report = compareWithTenant(defs, [{ sourceId: SOURCE_A, accounts: tenant }], options);
    expect(report.accounts.map((a) => [a.nativeIdentity, a.status, a.differences])).to.deep.equal([
      ["a", "in-sync", []],
      ["b", "drifted", [{ field: "identityId", expected: null, actual: IDENTITY_1 }]],
    ]);
  });

  it("ignores a locked account unless the definition asks to unlock", () => {
    const report = compareWithTenant(
      [definition("a")],
      [{ sourceId: SOURCE_A, accounts: [account("a", { locked: true })] }],
      options,
    );
    expect(report.summary.inSync).to.equal(1);
  });

  it("reports missing accounts, and unmanaged ones only when asked, sorted by source then nativeIdentity", () => {
    const defs = [definition("zed"), definition("amy"), definition("bob", {}, SOURCE_B)];
    const scans = [
      { sourceId: SOURCE_B, accounts: [account("bob", {}, SOURCE_B), account("stray", {}, SOURCE_B)] },
      { sourceId: SOURCE_A, accounts: [account("zed")] },
    ];
    const without = compareWithTenant(defs, scans, options);
    expect(without.summary).to.deep.equal({ managed: 3, inSync: 2, drifted: 0, missing: 1, unmanaged: 0 });
    const withUnmanaged = compareWithTenant(defs, scans, { ...options, includeUnmanaged: true });
    expect(
      withUnmanaged.accounts.map(
        (a) => `${a.sourceId === SOURCE_A ? "A" : "B"} ${a.nativeIdentity} ${a.status} ${a.accountId}`,
      ),
    ).to.deep.equal([
      "A amy missing null",
      "A zed in-sync id-zed",
      "B bob in-sync id-bob",
      "B stray unmanaged id-stray",
    ]);
    expect(withUnmanaged.accounts.find((a) => a.status === "unmanaged")!.definedAt).to.equal(null);
    expect(withUnmanaged.sources).to.deep.equal([
      { id: SOURCE_A, name: null, accountsScanned: 1 },
      { id: SOURCE_B, name: null, accountsScanned: 2 },
    ]);
    expect(hasDrift(withUnmanaged)).to.equal(true);
  });

  it("calls an account drifted exactly when the provider's plan for it is not empty", () => {
    const definitions: Array<Partial<AccountDefinition>> = [
      {},
      { attributes: { email: "j@x" } },
      { attributes: { email: null } },
      { identityId: IDENTITY_1 },
      { identityId: null },
      { manuallyCorrelated: true },
      { enabled: false },
      { unlock: true },
    ];
    const accounts: Array<Partial<Account>> = [
      {},
      { attributes: { email: "j@x" } },
      { identityId: IDENTITY_1, manuallyCorrelated: true },
      { identityId: IDENTITY_2 },
      { disabled: true },
      { locked: true },
    ];
    for (const [d, extraDefinition] of definitions.entries()) {
      for (const [a, extraAccount] of accounts.entries()) {
        const def = definition("jdoe", extraDefinition);
        const tenant = account("jdoe", extraAccount);
        const [entry] = compareWithTenant([def], [{ sourceId: SOURCE_A, accounts: [tenant] }], options).accounts;
        const plan = planAccountChanges(def, currentFromAccount(tenant));
        expect(entry.status, `definition ${d}, account ${a}`).to.equal(plan.length > 0 ? "drifted" : "in-sync");
      }
    }
  });

  describe("duplicate nativeIdentities on a scanned source", () => {
    const tenant = [account("jdoe"), account("jdoe", {}, SOURCE_A), account("stray"), account("stray")].map((a, i) => ({
      ...a,
      id: `id-${i}`,
    }));

    it(
      "reports a declared nativeIdentity held by two accounts as drift, naming both ids, even when one " + "is in sync",
      () => {
        const report = compareWithTenant([definition("jdoe")], [{ sourceId: SOURCE_A, accounts: tenant }], options);
        expect(report.duplicates).to.deep.equal([
          { sourceId: SOURCE_A, nativeIdentity: "jdoe", accountIds: ["id-0", "id-1"], definedAt: "a.yaml:3" },
        ]);
        expect(report.summary).to.deep.include({ inSync: 1, drifted: 0, missing: 0, unmanaged: 0 });
        expect(hasDrift(report)).to.equal(true);
        // Source shown by id or name, and a "defined at" column or not: the row names both ids either way.
        expect(formatDriftTable(report)).to.match(
          /\n\S+\s+jdoe\s+duplicate\s+(\S+\s+)?accountId\s+"one account"\s+"id-0, id-1"\n$/,
        );
        expect(driftSummaryLine(report)).to.equal(
          "Drift: 0 drifted, 0 missing, 0 unmanaged, 1 in sync, 1 duplicated nativeIdentity (1 managed account on " +
            "1 source)",
        );
        expect(JSON.parse(driftReportJson(report)).duplicates).to.deep.equal(report.duplicates);
      },
    );

    it("reports undeclared duplicates only with includeUnmanaged", () => {
      const withUnmanaged = compareWithTenant([definition("jdoe")], [{ sourceId: SOURCE_A, accounts: tenant }], {
        ...options,
        includeUnmanaged: true,
      });
      expect(withUnmanaged.duplicates.map((d) => [d.nativeIdentity, d.accountIds, d.definedAt])).to.deep.equal([
        ["jdoe", ["id-0", "id-1"], "a.yaml:3"],
        ["stray", ["id-2", "id-3"], null],
      ]);
      const clean = compareWithTenant(
        [definition("other")],
        [{ sourceId: SOURCE_A, accounts: [account("other")] }],
        options,
      );
      expect(clean.duplicates).to.deep.equal([]);
      expect(hasDrift(clean)).to.equal(false);
    });
  });

  describe("rendering", () => {
    const defs = [
      definition("jdoe", { attributes: { email: "new@x" }, location: { file: "accounts/hr.yaml", line: 7 } }),
      definition("gone", { location: { file: "accounts/hr.yaml", line: 3 } }),
      definition("fine"),
    ];
    const tenant = [account("jdoe", { attributes: { email: "old@x" } }), account("fine")];
    const report = compareWithTenant(
      defs,
      [{ sourceId: SOURCE_A, sourceName: "HR Flat File", accounts: tenant }],
      options,
    );

    it("JSON: versioned, documented keys; lists only accounts needing attention unless asked", () => {
      const json = JSON.parse(driftReportJson(report));
      expect(Object.keys(json)).to.deep.equal([
        "version",
        "generatedAt",
        "baseUrl",
        "sources",
        "summary",
        "accounts",
        "duplicates",
      ]);
      expect(json.duplicates).to.deep.equal([]);
      expect(json).to.include({ version: 1, generatedAt: "2026-01-02T03:04:05.000Z", baseUrl: options.baseUrl });
      expect(json.summary).to.deep.equal({ managed: 3, inSync: 1, drifted: 1, missing: 1, unmanaged: 0 });
      expect(json.accounts.map((a: { nativeIdentity: string }) => a.nativeIdentity)).to.deep.equal(["gone", "jdoe"]);
      expect(Object.keys(json.accounts[0])).to.deep.equal([
        "sourceId",
        "nativeIdentity",
        "accountId",
        "status",
        "differences",
        "definedAt",
      ]);
      const all = JSON.parse(driftReportJson(report, { includeInSync: true }));
      expect(all.accounts).to.have.lengthOf(3);
    });

    it("table: aligned columns, one row per difference, the source by name and where each account is defined", () => {
      const lines = formatDriftTable(report).trimEnd().split("\n");
      expect(lines).to.deep.equal([
        "SOURCE        NATIVE IDENTITY  STATUS   DEFINED AT          FIELD             EXPECTED  ACTUAL",
        "HR Flat File  gone             missing  accounts/hr.yaml:3  -                 -         -",
        'HR Flat File  jdoe             drifted  accounts/hr.yaml:7  attributes.email  "new@x"   "old@x"',
      ]);
      const statusColumn = lines[0].indexOf("STATUS");
      expect(lines[1].indexOf("missing")).to.equal(statusColumn);
      expect(lines[2].indexOf("drifted")).to.equal(statusColumn);
    });

    it("table: a source without a known name is shown by id; unmanaged accounts have no definition", () => {
      const unnamed = compareWithTenant([], [{ sourceId: SOURCE_B, accounts: [account("stray", {}, SOURCE_B)] }], {
        ...options,
        includeUnmanaged: true,
      });
      expect(formatDriftTable(unnamed).trimEnd().split("\n")[1]).to.match(
        new RegExp(`^${SOURCE_B}\\s+stray\\s+unmanaged\\s+-\\s+-\\s+-\\s+-$`),
      );
    });

    it("summary line for drift and for no drift", () => {
      expect(driftSummaryLine(report)).to.equal(
        "Drift: 1 drifted, 1 missing, 0 unmanaged, 1 in sync (3 managed accounts on 1 source)",
      );
      const clean = compareWithTenant([definition("fine")], [{ sourceId: SOURCE_A, accounts: tenant }], options);
      expect(driftSummaryLine(clean)).to.equal("No drift: 1 managed account on 1 source matches the definitions.");
      expect(formatDriftTable(clean)).to.equal("");
    });
  });
});
