import { expect } from "chai";
import { compileFilter, FilterError, parseFilter, pinnedValues, type FilterCatalog } from "../../../simulator/filters";

interface Item {
  id: string;
  name: string;
  flag: boolean;
  owner?: string;
}

const catalog: FilterCatalog<Item> = {
  id: { type: "string", ops: ["eq", "in", "sw"], value: (i) => i.id },
  name: { type: "string", ops: ["eq", "in", "sw", "co"], value: (i) => i.name },
  flag: { type: "boolean", ops: ["eq"], value: (i) => i.flag },
  owner: { type: "string", ops: ["eq", "isnull"], value: (i) => i.owner },
};

const items: Item[] = [
  { id: "a1", name: 'Ann "the" Admin', flag: true, owner: "x" },
  { id: "a2", name: "back\\slash", flag: false },
  { id: "b3", name: "Bob", flag: true },
];

function ids(filter: string): string[] {
  const compiled = compileFilter(filter, catalog);
  return items.filter(compiled.matches).map((i) => i.id);
}

describe("simulator filter language", () => {
  describe("valid filters", () => {
    it("eq, in and sw on strings", () => {
      expect(ids('id eq "a1"')).to.deep.equal(["a1"]);
      expect(ids('id in ("a1","b3")')).to.deep.equal(["a1", "b3"]);
      expect(ids('id sw "a"')).to.deep.equal(["a1", "a2"]);
      expect(ids('name co "o"')).to.deep.equal(["b3"]);
    });

    it('unescapes \\" and \\\\ inside strings', () => {
      expect(ids('name eq "Ann \\"the\\" Admin"')).to.deep.equal(["a1"]);
      expect(ids('name eq "back\\\\slash"')).to.deep.equal(["a2"]);
    });

    it("booleans, isnull, and/or/not with parentheses", () => {
      expect(ids("flag eq true")).to.deep.equal(["a1", "b3"]);
      expect(ids("owner isnull")).to.deep.equal(["a2", "b3"]);
      expect(ids('flag eq true and id sw "b"')).to.deep.equal(["b3"]);
      expect(ids('id eq "a2" or (flag eq true and not id eq "a1")')).to.deep.equal(["a2", "b3"]);
    });

    it("tolerates any whitespace between tokens", () => {
      expect(ids('  id   in(  "a1" ,"a2" )and flag eq   false ')).to.deep.equal(["a2"]);
    });

    it("reports the values a top-level conjunction pins a field to", () => {
      expect(pinnedValues(parseFilter('id in ("a","b") and flag eq true'), "id")).to.deep.equal(["a", "b"]);
      expect(pinnedValues(parseFilter('flag eq true and id eq "c"'), "id")).to.deep.equal(["c"]);
      expect(pinnedValues(parseFilter('id eq "a" or flag eq true'), "id")).to.equal(undefined);
      expect(pinnedValues(parseFilter('not id eq "a"'), "id")).to.equal(undefined);
    });
  });

  describe("invalid filters are refused with a reason", () => {
    const cases: Array<[string, RegExp]> = [
      ["", /empty filter/],
      ['id EQ "a1"', /unknown operator "EQ".*lowercase/],
      ["id eq a1", /strings need double quotes/],
      ['id eq "a1', /unterminated string/],
      ['id eq "a\\n"', /invalid escape/],
      ['id eq "a1" and', /expected a field name/],
      ['id eq "a1" "a2"', /unexpected string/],
      ['id in "a1"', /"\(" after "in"/],
      ['id in ("a1" "a2")', /"\)" closing the "in" list/],
      ['(id eq "a1"', /expected "\)"/],
      ['id eq "a1")', /unexpected "\)"/],
      ["disabled eq true", /not supported on field "disabled"/],
      ['flag sw "t"', /operator "sw" is not supported on field "flag"/],
      ['flag eq "true"', /needs a boolean value/],
      ["id eq 5", /needs a string value/],
      ["id eq null", /needs a string value/],
      ['id eq "a" & flag eq true', /unexpected "&"/],
      ['eq eq "a"', /expected a field name/],
    ];
    for (const [filter, reason] of cases) {
      it(JSON.stringify(filter), () => {
        expect(() => compileFilter(filter, catalog)).to.throw(FilterError, reason);
      });
    }
  });
});
