import { expect } from "chai";
import * as path from "node:path";
import { accountProviderTextIn, installedProgram, type InstalledProgram } from "../../../scripts/lib/installed-program";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..");

describe("the Account provider text a program with the package installed stores (__provider)", function () {
  this.timeout(30_000);
  let program: InstalledProgram;
  before(() => (program = installedProgram(REPO_ROOT)));
  after(() => program.remove());

  it("is at most 1 KB: a require of the package's shim module, not a copy of its code", () => {
    const text = accountProviderTextIn(program.dir);
    expect(Buffer.byteLength(text)).to.be.at.most(1024);
    expect(text).to.contain('require("pulumi-isc-accounts/dist/provider/resources/account/shim.js")');
    expect(text, "no code of the shim is copied").to.not.contain("createRequire");
  });
});
