import { expect } from "chai";
import type { PluginEngine } from "../../../harness/engine";
import {
  containsIdentifier,
  failureKinds,
  namesItsSubject,
  placesQuoting,
  surfacesQuoting,
  unclearFailures,
} from "../../../scripts/lib/failures";

const TASK = "e28cba96036849f39c17655776518469";
const ACCOUNT = "7196fbf59ef0cdf5fdc02a464a49f772";

describe("soak failure messages", () => {
  it("finds an identifier only as a whole word", () => {
    expect(containsIdentifier('account "soak.1" on source', "soak.1")).to.equal(true);
    expect(containsIdentifier('account "soak.10" on source', "soak.1")).to.equal(false);
    expect(containsIdentifier("xsoak.1", "soak.1")).to.equal(false);
    expect(containsIdentifier("soak.1", "")).to.equal(false);
  });

  it("calls a message clear when it names the account, its id or an ISC task", () => {
    const subject = { nativeIdentity: "soak.1", accountId: ACCOUNT };
    expect(namesItsSubject('account "soak.1": create failed', subject)).to.equal(true);
    expect(namesItsSubject(`ISC DELETE /v3/accounts/${ACCOUNT} failed with 500`, subject)).to.equal(true);
    expect(namesItsSubject(`ISC task ${TASK} finished with ERROR`, subject)).to.equal(true);
    expect(namesItsSubject("ISC GET /v3/accounts failed with 429 Too Many Requests", subject)).to.equal(false);
    expect(namesItsSubject("   ", subject)).to.equal(false);
  });

  it("lists the unclear failures, and those whose resource is unknown", () => {
    const failures = [
      { name: "r1", op: "create", message: 'account "soak.1": boom' },
      { name: "r2", op: "update", message: "ISC GET /v3/accounts failed with 429" },
      { name: "r3", op: "create", message: 'account "soak.3": boom' },
    ];
    const subjects: Record<string, { nativeIdentity: string }> = {
      r1: { nativeIdentity: "soak.1" },
      r2: { nativeIdentity: "soak.2" },
    };
    expect(unclearFailures(failures, (n) => subjects[n]).map((f) => f.name)).to.deep.equal(["r2", "r3"]);
  });

  it("names the places whose text quotes a secret", () => {
    const places = {
      errors: ["token request with s3cr3t-value failed"],
      "plugin output": ["ISC rate limit: GET /v3/accounts answered 429", "Bearer t0ken-value"],
      state: ["{}"],
    };
    expect(placesQuoting(places, ["s3cr3t-value", "t0ken-value"])).to.deep.equal(["errors", "plugin output"]);
    expect(placesQuoting(places, ["other-secret", "abc"])).to.deep.equal([]);
  });

  it("looks for secrets in a run's errors, plugin output and state (resources and the default provider)", () => {
    const engine = (state: unknown[], provider: unknown) => ({
      state: () => state as ReturnType<PluginEngine["state"]>,
      defaultProviderState: () => provider as ReturnType<PluginEngine["defaultProviderState"]>,
    });
    const clean = { errors: ["failed"], pluginOutput: ["note"], engine: engine([], undefined) };
    expect(surfacesQuoting(clean, ["t0ken-value"])).to.deep.equal([]);
    const stored = { ...clean, engine: engine([], { inputs: { clientSecret: "t0ken-value" } }) };
    expect(surfacesQuoting(stored, ["t0ken-value"])).to.deep.equal(["state"]);
    const printed = { ...clean, pluginOutput: ["Bearer t0ken-value"] };
    expect(surfacesQuoting(printed, ["t0ken-value"])).to.deep.equal(["plugin output (printed by the Pulumi CLI)"]);
  });

  it("groups failures that differ only in ids, names and numbers", () => {
    const kinds = failureKinds([
      { name: "a", op: "create", message: `account "soak.1": ISC task ${TASK} finished with ERROR after 3 s` },
      { name: "b", op: "create", message: `account "soak.2": ISC task ${ACCOUNT} finished with ERROR after 4 s` },
      { name: "c", op: "delete", message: "something else" },
    ]);
    expect(kinds.map((k) => k.count)).to.deep.equal([2, 1]);
    expect(kinds[0].kind).to.equal('create: account "…": ISC task <id> finished with ERROR after <n> s');
  });
});
