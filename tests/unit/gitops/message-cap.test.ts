import { expect } from "chai";
import { capQuotedInput } from "../../../provider/gitops/message-cap";

describe("capQuotedInput", () => {
  it("leaves short messages and short quotes alone", () => {
    expect(capQuotedInput('accounts[0].enabled: must be true or false, got "yes"')).to.equal(
      'accounts[0].enabled: must be true or false, got "yes"',
    );
  });

  it("cuts a long quote to 80 characters and says how long it was", () => {
    const message = `YAML syntax error: Unexpected scalar token in YAML stream: "${"x".repeat(9000)}"`;
    expect(capQuotedInput(message)).to.equal(
      `YAML syntax error: Unexpected scalar token in YAML stream: "${"x".repeat(80)}..." (9000 characters)`,
    );
  });

  it("never ends an excerpt inside an escape sequence", () => {
    const quoted = `${"a".repeat(79)}\\\\${"b".repeat(100)}`; // the escape `\\` straddles character 80
    expect(capQuotedInput(`got "${quoted}"`)).to.equal(`got "${"a".repeat(79)}..." (${quoted.length} characters)`);
  });

  it("cuts any message at 400 characters", () => {
    const capped = capQuotedInput(`problem: ${"word ".repeat(200)}`);
    expect(capped).to.match(/\.\.\. \(message cut at 400 characters\)$/);
    expect(capped.length).to.be.lessThan(450);
  });
});
