import { expect } from "chai";
import { csvLayout, parseAggregationCsv } from "../../../provider/gitops/aggregation-csv";
import {
  checkCsvAgainstDefinitions,
  csvCheckReportJson,
  csvCheckSummaryLine,
  formatCsvCheckTable,
  isHarmful,
} from "../../../provider/gitops/csv-check";
import type { AccountDefinition } from "../../../provider/gitops/definitions";
import { accountResourceName } from "../../../provider/gitops/naming";
import { SOURCE_A, SOURCE_B } from "../../support/gitops-fixtures";

const layout = csvLayout(
  {
    identityAttribute: "id",
    attributes: [
      { name: "id", type: "STRING" },
      { name: "email", type: "STRING" },
      { name: "groups", type: "STRING", isMulti: true },
      { name: "phone", type: "STRING" },
    ],
  },
  "S",
);

function definition(
  nativeIdentity: string,
  attributes: AccountDefinition["attributes"],
  line: number,
  sourceId = SOURCE_A,
): AccountDefinition {
  return {
    sourceId,
    nativeIdentity,
    attributes,
    enabled: true,
    resourceName: accountResourceName(sourceId, nativeIdentity),
    location: { file: "hr.yaml", line },
  };
}

const now = new Date("2026-01-02T03:04:05.000Z");

function check(definitions: AccountDefinition[], csv: string) {
  const parsed = parseAggregationCsv(csv, layout, "S");
  expect(parsed.problems).to.deep.equal([]);
  return checkCsvAgainstDefinitions(definitions, parsed.accounts, layout, { sourceId: SOURCE_A, file: "hr.csv", now });
}

describe("check-csv comparison", () => {
  const definitions = [
    definition("jdoe", { email: "j@x", groups: ["b", "a"], id: "jdoe" }, 4),
    definition("asmith", { email: "a@x", phone: null }, 9),
    definition("gone", {}, 12),
    definition("elsewhere", {}, 3, SOURCE_B),
  ];

  it("finds nothing harmful when every declared account is in the file with its declared values", () => {
    const report = check(definitions, "id,email,groups\njdoe,j@x,a\njdoe,j@x,b\nasmith,a@x,\ngone,,\nstray,s@x,\n");
    expect(report.summary).to.deep.equal({ declared: 3, matching: 3, differing: 0, missing: 0, undeclared: 1 });
    expect(isHarmful(report)).to.equal(false);
    expect(csvCheckSummaryLine(report)).to.equal(
      `Safe to aggregate: no declared account would be removed or changed (3 declared accounts on source ` +
        `${SOURCE_A}, 4 in hr.csv; 1 undeclared).`,
    );
  });

  it("reports missing accounts and overwritten values (a declared attribute without a column counts as empty)", () => {
    const report = check(definitions, "id,groups\njdoe,a\nasmith,\n");
    expect(isHarmful(report)).to.equal(true);
    expect(report.accounts).to.deep.equal([
      {
        nativeIdentity: "asmith",
        status: "differs",
        differences: [{ field: "attributes.email", expected: "a@x", actual: null }],
        definedAt: "hr.yaml:9",
        rows: [3],
      },
      { nativeIdentity: "gone", status: "missing", differences: [], definedAt: "hr.yaml:12", rows: [] },
      {
        nativeIdentity: "jdoe",
        status: "differs",
        differences: [
          { field: "attributes.email", expected: "j@x", actual: null },
          { field: "attributes.groups", expected: ["b", "a"], actual: "a" },
        ],
        definedAt: "hr.yaml:4",
        rows: [2],
      },
    ]);
    const table = formatCsvCheckTable(report).trimEnd().split("\n");
    expect(table[0]).to.match(/^NATIVE IDENTITY\s+STATUS\s+FIELD\s+IN GIT\s+IN FILE\s+DEFINED AT\s+CSV ROWS$/);
    expect(table[2]).to.match(/^gone\s+missing\s+-\s+-\s+-\s+hr\.yaml:12\s+-$/);
    expect(table[4]).to.match(/^jdoe\s+differs\s+attributes\.groups\s+\["b","a"\]\s+"a"\s+hr\.yaml:4\s+2$/);
    expect(csvCheckSummaryLine(report)).to.match(
      /^Harmful: aggregating would remove 1 and overwrite 2 declared accounts/,
    );
  });

  it("--json: version 1 with keys in the documented order; matching accounts only with --all", () => {
    const report = check(definitions, "id,email,groups\njdoe,j@x,a\njdoe,j@x,b\nasmith,a@x,\n");
    const json = JSON.parse(csvCheckReportJson(report)) as Record<string, unknown> & {
      accounts: Array<{ nativeIdentity: string }>;
    };
    expect(Object.keys(json)).to.deep.equal([
      "version",
      "generatedAt",
      "sourceId",
      "file",
      "accountsInFile",
      "summary",
      "accounts",
    ]);
    expect(json).to.deep.include({
      version: 1,
      generatedAt: now.toISOString(),
      sourceId: SOURCE_A,
      file: "hr.csv",
      accountsInFile: 2,
    });
    expect(json.accounts.map((a) => a.nativeIdentity)).to.deep.equal(["gone"]);
    const all = JSON.parse(csvCheckReportJson(report, { includeMatching: true })) as {
      accounts: Array<{ nativeIdentity: string }>;
    };
    expect(all.accounts.map((a) => a.nativeIdentity)).to.deep.equal(["asmith", "gone", "jdoe"]);
  });
});
