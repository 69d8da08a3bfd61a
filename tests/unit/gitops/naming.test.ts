import { expect } from "chai";
import { accountResourceName } from "../../../provider/gitops/naming";
import { SOURCE_A, SOURCE_B } from "../../support/gitops-fixtures";

describe("gitops accountResourceName", () => {
  it("is readable: <sourceId>/<nativeIdentity> for ordinary names", () => {
    expect(accountResourceName(SOURCE_A, "jdoe")).to.equal(`${SOURCE_A}/jdoe`);
    expect(accountResourceName(SOURCE_A, "John Doe (contractor)")).to.equal(`${SOURCE_A}/John Doe (contractor)`);
    expect(accountResourceName(SOURCE_A, "CN=John,OU=People")).to.equal(`${SOURCE_A}/CN=John,OU=People`);
  });

  it("never contains '::' (the Pulumi URN separator) or control characters", () => {
    for (const nativeIdentity of ["a::b", ":", "::", "a:::b", "x\n::y", "tab\there", "nul\u0000"]) {
      const name = accountResourceName(SOURCE_A, nativeIdentity);
      expect(name).to.not.include("::");
      expect(name).to.not.match(/[\u0000-\u001f\u007f]/);
    }
  });

  it("is collision-free on tricky inputs (escaping is reversible)", () => {
    const natives = [
      "jdoe",
      "JDOE",
      "a:b",
      "a%3Ab",
      "a%3ab",
      "a%b",
      "a%25b",
      "a::b",
      "a%3A%3Ab",
      "a/b",
      "a//b",
      "a b",
      "a\tb",
      "a%09b",
      "a\u00a0b",
      "a%C2%A0b",
      "",
      " ",
      "%",
      "%25",
      "ü",
      "%C3%BC",
      "😀",
      "a\nb",
      "a%0Ab",
      "/",
      "%2F",
    ];
    const pairs = [SOURCE_A, SOURCE_B].flatMap((source) => natives.map((native) => [source, native] as const));
    // A source id is never a prefix trick: "<source>/x" + "y" vs "<source>" + "x/y".
    pairs.push(["a/b", "c"], ["a", "b/c"]);
    const names = pairs.map(([source, native]) => accountResourceName(source, native));
    expect(new Set(names).size).to.equal(pairs.length);
  });

  it("depends only on source and nativeIdentity", () => {
    expect(accountResourceName(SOURCE_A, "jdoe")).to.equal(accountResourceName(SOURCE_A, "jdoe"));
    expect(accountResourceName(SOURCE_A, "jdoe")).to.not.equal(accountResourceName(SOURCE_B, "jdoe"));
  });
});
