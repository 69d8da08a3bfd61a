import { expect } from "chai";
import {
  describeCsvProblems,
  validateAccountsCsv,
} from "../../../../provider/resources/uncorrelated-accounts-load/csv";

const rules = { identityAttribute: "id" };

function problemsOf(csv: string, r = rules): string[] {
  return describeCsvProblems(validateAccountsCsv(csv, r).problems);
}

describe("jobs: accounts CSV validation (row numbers as a spreadsheet shows them)", () => {
  it("accepts a well-formed file and counts its account rows", () => {
    const summary = validateAccountsCsv("id,name,email\njdoe,John Doe,j@x.io\nasmith,Ann Smith,a@x.io\n", rules);
    expect(summary.problems).to.deep.equal([]);
    expect(summary.dataRows).to.equal(2);
    expect(summary.columns).to.deep.equal(["id", "name", "email"]);
  });

  it("rejects an empty file: row 1 must be a header", () => {
    expect(problemsOf("")).to.deep.equal(["row 1: the CSV is empty: row 1 must be a header row naming the columns"]);
  });

  it("rejects a header without account rows", () => {
    expect(problemsOf("id,name\n")).to.deep.equal(["row 2: the CSV has a header row but no account rows"]);
  });

  it("names the missing identity column on row 1 and lists the columns", () => {
    const problems = problemsOf("login,name\njdoe,John\n");
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^row 1: the header has no column "id", the identity attribute/);
    expect(problems[0]).to.contain("columns are: login, name");
  });

  it("hints at an identity column that differs only in case", () => {
    expect(problemsOf("ID,name\njdoe,John\n")[0]).to.contain('column "ID" differs only in case');
  });

  it("reports an empty identity value with its row", () => {
    expect(problemsOf("id,name\njdoe,John\n,Nobody\n  ,Blank\n")).to.deep.equal([
      'row 3: the identity attribute "id" is empty',
      'row 4: the identity attribute "id" is empty',
    ]);
  });

  it("reports a duplicate identity naming both rows", () => {
    expect(problemsOf("id,name\njdoe,John\nasmith,Ann\njdoe,Johnny\n")).to.deep.equal([
      'row 4: identity "jdoe" (column "id") is also on row 2: rows 2 and 4 are the same account',
    ]);
  });

  it("reports ragged rows (too few and too many values)", () => {
    expect(problemsOf("id,name,email\njdoe,John\nasmith,Ann,a@x.io,extra\nbob,Bob,b@x.io\n")).to.deep.equal([
      "row 2: 2 values but the header (row 1) has 3 columns",
      "row 3: 4 values but the header (row 1) has 3 columns",
    ]);
  });

  it("counts a multi-line quoted value as one row and a blank line as a row, like a spreadsheet", () => {
    const csv = 'id,note\njdoe,"line one\nline two"\n\nasmith\n';
    expect(problemsOf(csv)).to.deep.equal(["row 4: 1 value but the header (row 1) has 2 columns"]);
  });

  it("reports a value whose quote never closes with the row it starts on", () => {
    const problems = problemsOf('id,name\njdoe,John\nasmith,"Ann\nbob,Bob\n');
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^row 3: the CSV cannot be parsed: .*quote/i);
  });

  it("reports unnamed and repeated header columns on row 1", () => {
    expect(problemsOf("id,name,,name\njdoe,a,b,c\n")).to.deep.equal([
      "row 1: column 3 of the header has no name",
      'row 1: column "name" appears twice in the header (columns 2 and 4)',
    ]);
  });

  it("skips identity checks when the identity attribute is not known (no schema / offline)", () => {
    expect(problemsOf("login\n\n,\n", {} as typeof rules)).to.deep.equal([
      "row 3: 2 values but the header (row 1) has 1 column",
    ]);
  });

  it("ignores a byte-order mark before the header", () => {
    expect(problemsOf("\uFEFFid,name\njdoe,John\n")).to.deep.equal([]);
  });

  it("lists at most 20 problems and counts the rest", () => {
    const rows = Array.from({ length: 25 }, () => ",x").join("\n");
    const lines = problemsOf(`id,name\n${rows}\n`);
    expect(lines).to.have.length(21);
    expect(lines[20]).to.equal("... and 5 more problems");
  });
});
