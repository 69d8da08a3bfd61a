import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { checkLoadInputs } from "../../../../provider/resources/uncorrelated-accounts-load/check";
import { diffLoad } from "../../../../provider/resources/uncorrelated-accounts-load/diff";
import { sha256Hex } from "../../../../provider/resources/uncorrelated-accounts-load/inputs";
import { UNKNOWN } from "../../../../provider/resources/shared/unknown";

const SOURCE = "2c9180835d2e5168015d32f890ca1581";
const CSV = "id,name\njdoe,John Doe\n";

describe("jobs: UncorrelatedAccountsLoad check", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "isc-load-check-"));
    writeFileSync(path.join(dir, "a.csv"), CSV);
    writeFileSync(path.join(dir, "bad.csv"), "id,name\njdoe\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const propertiesOf = async (news: Record<string, unknown>) =>
    (await checkLoadInputs(news, { cwd: dir })).failures?.map((f) => f.property);

  it("requires sourceId and names it", async () => {
    const { failures } = await checkLoadInputs({ csvContent: CSV }, { cwd: dir });
    expect(failures).to.have.length(1);
    expect(failures![0].property).to.equal("sourceId");
    expect(failures![0].reason).to.contain("sourceId is required");
  });

  it("rejects a sourceId that is not a 32-hex id", async () => {
    expect(await propertiesOf({ sourceId: "source-1", csvContent: CSV })).to.deep.equal(["sourceId"]);
  });

  it("requires one of csvPath or csvContent", async () => {
    const { failures } = await checkLoadInputs({ sourceId: SOURCE }, { cwd: dir });
    expect(failures!.map((f) => f.property)).to.deep.equal(["csvPath"]);
    expect(failures![0].reason).to.contain("one of csvPath");
  });

  it("refuses both csvPath and csvContent", async () => {
    const { failures } = await checkLoadInputs({ sourceId: SOURCE, csvPath: "a.csv", csvContent: CSV }, { cwd: dir });
    expect(failures!.map((f) => f.property)).to.deep.equal(["csvContent"]);
    expect(failures![0].reason).to.contain("exactly one of csvPath or csvContent");
  });

  it("names csvPath when the file cannot be read", async () => {
    const { failures } = await checkLoadInputs({ sourceId: SOURCE, csvPath: "missing.csv" }, { cwd: dir });
    expect(failures!.map((f) => f.property)).to.deep.equal(["csvPath"]);
    expect(failures![0].reason).to.contain('cannot read csvPath "missing.csv"').and.contain("ENOENT");
  });

  it("names unknown inputs and out-of-range run options", async () => {
    expect(
      await propertiesOf({
        sourceId: SOURCE,
        csvContent: CSV,
        csvFile: "x",
        taskTimeoutSeconds: 0,
        pollIntervalMs: "fast",
      }),
    ).to.have.members(["csvFile", "taskTimeoutSeconds", "pollIntervalMs"]);
  });

  it("stores the content hash, not the content, and resolves csvPath from the program directory", async () => {
    const { inputs, failures } = await checkLoadInputs({ sourceId: SOURCE, csvPath: "a.csv" }, { cwd: dir });
    expect(failures).to.deep.equal([]);
    expect(inputs).to.deep.equal({ sourceId: SOURCE, csvPath: "a.csv", csvSha256: sha256Hex(Buffer.from(CSV)) });
  });

  it("reports CSV problems as failures of the input that holds the CSV, with row numbers", async () => {
    const { failures } = await checkLoadInputs({ sourceId: SOURCE, csvPath: "bad.csv" }, { cwd: dir });
    expect(failures).to.deep.equal([
      { property: "csvPath", reason: 'csvPath "bad.csv": row 2: 1 value but the header (row 1) has 2 columns' },
    ]);
  });

  it("checks the identity column against the source schema when the tenant can be asked", async () => {
    const asked: string[] = [];
    const { failures } = await checkLoadInputs(
      { sourceId: SOURCE, csvContent: "login,name\njdoe,John\n" },
      { cwd: dir, identityAttributeOf: async (id) => (asked.push(id), "id") },
    );
    expect(asked).to.deep.equal([SOURCE]);
    expect(failures).to.have.length(1);
    expect(failures![0].property).to.equal("csvContent");
    expect(failures![0].reason).to.contain('row 1: the header has no column "id"');
  });

  it("turns a failed source lookup into a sourceId failure", async () => {
    const { failures } = await checkLoadInputs(
      { sourceId: SOURCE, csvContent: CSV },
      {
        identityAttributeOf: async () => {
          throw new Error(`source ${SOURCE} does not exist in this tenant`);
        },
      },
    );
    expect(failures).to.deep.equal([
      { property: "sourceId", reason: `source ${SOURCE} does not exist in this tenant` },
    ]);
  });

  it("marks the hash unknown when the CSV is not known yet (preview)", async () => {
    const { inputs, failures } = await checkLoadInputs({ sourceId: SOURCE, csvContent: UNKNOWN });
    expect(failures).to.deep.equal([]);
    expect(inputs!.csvSha256).to.equal(UNKNOWN);
  });
});

describe("jobs: UncorrelatedAccountsLoad diff (by content hash)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "isc-load-diff-"));
    writeFileSync(path.join(dir, "one.csv"), CSV);
    writeFileSync(path.join(dir, "two.csv"), CSV);
    writeFileSync(path.join(dir, "changed.csv"), `${CSV}asmith,Ann Smith\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const checked = async (news: Record<string, unknown>) =>
    (await checkLoadInputs(news, { cwd: dir })).inputs as Record<string, unknown>;
  const stored = async (csvPath: string) => ({
    sourceId: SOURCE,
    csvSha256: (await checked({ sourceId: SOURCE, csvPath })).csvSha256,
    taskId: "t1",
  });

  it("sees no change when the same content comes from another path", async () => {
    expect(diffLoad(await stored("one.csv"), await checked({ sourceId: SOURCE, csvPath: "two.csv" }))).to.deep.equal({
      changes: false,
    });
  });

  it("sees no change when the same content moves from a file to csvContent", async () => {
    expect(diffLoad(await stored("one.csv"), await checked({ sourceId: SOURCE, csvContent: CSV }))).to.deep.equal({
      changes: false,
    });
  });

  it("sees no change when only run options change", async () => {
    const news = await checked({ sourceId: SOURCE, csvPath: "one.csv", taskTimeoutSeconds: 60, pollIntervalMs: 100 });
    expect(diffLoad(await stored("one.csv"), news)).to.deep.equal({ changes: false });
  });

  it("sees a change (an update, not a replacement) when the content changes", async () => {
    expect(
      diffLoad(await stored("one.csv"), await checked({ sourceId: SOURCE, csvPath: "changed.csv" })),
    ).to.deep.equal({ changes: true });
  });

  it("replaces when the source changes or is not known yet", async () => {
    const other = "2c9180835d2e5168015d32f890ca1582";
    expect(diffLoad(await stored("one.csv"), await checked({ sourceId: other, csvPath: "one.csv" }))).to.deep.equal({
      changes: true,
      replaces: ["sourceId"],
    });
    expect(diffLoad(await stored("one.csv"), { sourceId: UNKNOWN, csvSha256: "x" }).replaces).to.deep.equal([
      "sourceId",
    ]);
  });

  it("reports a change when the content is not known yet", async () => {
    expect(diffLoad(await stored("one.csv"), { sourceId: SOURCE, csvSha256: UNKNOWN })).to.deep.equal({
      changes: true,
    });
  });
});
