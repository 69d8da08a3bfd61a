import { expect } from "chai";
import { ConfigurationError } from "../../../provider/client/errors";
import { and, chunkInValues, eq, isIn, sw } from "../../../provider/client/filters";

describe("ISC filter builder", () => {
  it("quotes strings and escapes backslashes and double quotes", () => {
    expect(eq("nativeIdentity", 'a"b\\c')).to.equal('nativeIdentity eq "a\\"b\\\\c"');
    expect(sw("name", 'x"')).to.equal('name sw "x\\""');
  });

  it("leaves booleans and numbers unquoted", () => {
    expect(eq("uncorrelated", true)).to.equal("uncorrelated eq true");
    expect(eq("count", 3)).to.equal("count eq 3");
  });

  it("builds in-lists and conjunctions", () => {
    expect(and(eq("sourceId", "S1"), isIn("nativeIdentity", ["a", 'b"']))).to.equal(
      'sourceId eq "S1" and nativeIdentity in ("a","b\\"")',
    );
  });

  it("refuses an empty in-list and odd field names", () => {
    expect(() => isIn("id", [])).to.throw(ConfigurationError, /at least one value/);
    expect(() => eq('id eq "x" or id', "y")).to.throw(ConfigurationError, /field name/);
  });

  it("chunks in-list values by count and by encoded length, dropping duplicates", () => {
    const ids = Array.from({ length: 600 }, (_, i) => `id-${i}`);
    expect(chunkInValues([...ids, "id-1"]).map((c) => c.length)).to.deep.equal([250, 250, 100]);
    const long = Array.from({ length: 100 }, (_, i) => `${"x".repeat(200)}-${i}`);
    const chunks = chunkInValues(long, { maxValues: 250, maxEncodedChars: 2_000 });
    expect(chunks.length).to.be.greaterThan(1);
    for (const chunk of chunks) expect(encodeURIComponent(isIn("id", chunk)).length).to.be.lessThan(2_100);
    expect(chunks.flat()).to.deep.equal(long);
  });
});
