import { expect } from "chai";
import { parse } from "csv-parse/sync";
import type { SourceSchema } from "../../../provider/client/types";
import {
  csvLayout,
  parseAggregationCsv,
  renderAggregationCsv,
  type CsvAccount,
} from "../../../provider/gitops/aggregation-csv";

const schema: SourceSchema = {
  identityAttribute: "id",
  attributes: [
    { name: "displayName", type: "STRING" },
    { name: "id", type: "STRING" },
    { name: "groups", type: "STRING", isMulti: true },
    { name: "roles", type: "STRING", isMulti: true },
  ],
};
const layout = csvLayout(schema, "S");

describe("aggregation CSV (DelimitedFile connector format)", () => {
  it("puts the identity attribute first and needs one", () => {
    expect(layout.columns).to.deep.equal(["id", "displayName", "groups", "roles"]);
    expect(() => csvLayout({ attributes: [] }, "S")).to.throw(/no account schema with an identity attribute/);
  });

  it("writes one row per value of multi-valued attributes, single values repeated, accounts sorted", () => {
    const accounts: CsvAccount[] = [
      { nativeIdentity: "b", values: { displayName: ["Bee"], groups: ["g1", "g2", "g3"], roles: ["r1"] } },
      { nativeIdentity: "a", values: { displayName: [], groups: [], roles: [] } },
    ];
    expect(renderAggregationCsv(layout, accounts)).to.equal(
      "id,displayName,groups,roles\r\na,,,\r\nb,Bee,g1,r1\r\nb,Bee,g2,\r\nb,Bee,g3,\r\n",
    );
  });

  it("quotes per RFC 4180, plus lone CR/LF and a leading comment character", () => {
    const text = renderAggregationCsv(layout, [
      { nativeIdentity: "#root", values: { displayName: ['Doe, "J"\nline2'], groups: ["cr\ronly"], roles: [] } },
    ]);
    expect(text).to.equal('id,displayName,groups,roles\r\n"#root","Doe, ""J""\nline2","cr\ronly",\r\n');
    // Any RFC 4180 reader gets the values back.
    expect(parse(text)).to.deep.equal([layout.columns, ["#root", 'Doe, "J"\nline2', "cr\ronly", ""]]);
  });

  it("reads back what it writes", () => {
    const accounts: CsvAccount[] = [
      { nativeIdentity: "#x", values: { displayName: ["a,b"], groups: ["g1", "g2"], roles: [] } },
      { nativeIdentity: "y", values: { displayName: [], groups: [], roles: ["r1", "r2", "r3"] } },
    ];
    const parsed = parseAggregationCsv(renderAggregationCsv(layout, accounts), layout, "S");
    expect(parsed.problems).to.deep.equal([]);
    expect(parsed.accounts).to.deep.equal([
      {
        nativeIdentity: "#x",
        rows: [2, 3],
        values: { id: ["#x"], displayName: ["a,b"], groups: ["g1", "g2"], roles: [] },
      },
      {
        nativeIdentity: "y",
        rows: [4, 5, 6],
        values: { id: ["y"], displayName: [], groups: [], roles: ["r1", "r2", "r3"] },
      },
    ]);
  });

  it("skips comment lines like the connector, counting them as rows", () => {
    const parsed = parseAggregationCsv("\uFEFFid,displayName\n# a note\nu1,One\n", layout, "S");
    expect(parsed.problems).to.deep.equal([]);
    expect(parsed.accounts.map((a) => [a.nativeIdentity, a.rows])).to.deep.equal([["u1", [3]]]);
  });

  it("names the row of each header and identity problem", () => {
    const parsed = parseAggregationCsv("displayName,phone,displayName,\nA,1,2,3\n", layout, "S");
    expect(parsed.problems.map((p) => `${p.row}: ${p.message}`)).to.deep.equal([
      '1: column "phone" is not in the account schema of source S; known attributes: displayName, groups, id, roles',
      '1: column "displayName" appears twice in the header (columns 1 and 3)',
      "1: column 4 of the header has no name",
      '1: the header has no column "id", the identity attribute of source S (each account\'s nativeIdentity)',
    ]);
  });

  it("refuses repeated identities that are not adjacent or change a single-valued column, and short rows", () => {
    const csv = ["id,displayName,groups", "a,A,g1", "a,A,g2", "b,B,", "a,A,g3", "c,C,", "c,Other,g", ",X,", "d,D"].join(
      "\r\n",
    );
    const parsed = parseAggregationCsv(csv, layout, "S");
    expect(parsed.problems.map((p) => `${p.row}: ${p.message}`)).to.deep.equal([
      '5: identity "a" is also on row 2: an account\'s rows must be adjacent (the connector reads the file sorted ' +
        "by the identity attribute)",
      '7: identity "c" repeats row 6 with a different value in single-valued column "displayName" ("Other" vs ' +
        '"C"); only multi-valued columns may differ on an account\'s extra rows',
      '8: the identity column "id" is empty',
      "9: 2 values but the header (row 1) has 3 columns",
    ]);
  });

  it("reports a CSV it cannot parse with its row", () => {
    const parsed = parseAggregationCsv('id,displayName\nu1,"open\n', layout, "S");
    expect(parsed.problems).to.have.lengthOf(1);
    expect(parsed.problems[0].row).to.equal(2);
    expect(parsed.problems[0].message).to.match(/^the CSV cannot be parsed/);
  });
});
