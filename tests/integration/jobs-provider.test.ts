/**
 * The source-job providers called in-process against the ISC simulator, for what the plugin cannot
 * stage: a CSV file that changes between check and create, a check made without connection settings
 * (offline preview), and runs that ended while no wait was watching.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import * as sinon from "sinon";
import { iscClient, resetProviderRuntime } from "../../provider/resources/shared/runtime";
import { getClassification, startClassification } from "../../provider/client";
import { provider as classificationProvider } from "../../provider/resources/source-classification/provider";
import { provider as loadProvider } from "../../provider/resources/uncorrelated-accounts-load/provider";
import { startSimulator, type RunningSimulator } from "../../simulator";
import { DEMO_IDS } from "../../simulator/seed";

const HR = DEMO_IDS.hrSource;
const CONTRACTORS = DEMO_IDS.contractorsSource;
const SETTING_VARS = ["SAIL_BASE_URL", "SAIL_CLIENT_ID", "SAIL_CLIENT_SECRET"] as const;

function stackConfig(values: Record<string, string>): pulumi.dynamic.ConfigureRequest {
  return {
    config: {
      get: (key) => values[key],
      require: (key) => {
        const value = values[key];
        if (value === undefined) throw new Error(`missing ${key}`);
        return value;
      },
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (err: unknown) => err as Error,
  );
}

describe("source-job providers in-process", function () {
  this.timeout(20_000);
  let sim: RunningSimulator;
  let dir: string;
  const savedEnv: Record<string, string | undefined> = {};
  let online: pulumi.dynamic.ConfigureRequest;

  const uploads = () =>
    sim.requests().filter((r) => r.method === "POST" && r.path.endsWith("/load-uncorrelated-accounts"));

  before(async () => {
    for (const name of SETTING_VARS) {
      savedEnv[name] = process.env[name];
      delete process.env[name];
    }
    sim = await startSimulator({ port: 0, taskDelayMs: 20 });
    const [client] = sim.clients;
    online = stackConfig({
      "isc:baseUrl": sim.url,
      "isc:clientId": client.clientId,
      "isc:clientSecret": client.clientSecret,
    });
    dir = mkdtempSync(path.join(tmpdir(), "isc-jobs-provider-"));
  });
  // Each test configures afresh, as a new plugin process would; configure() refuses other settings in one process.
  beforeEach(() => resetProviderRuntime());
  after(async () => {
    resetProviderRuntime();
    for (const name of SETTING_VARS) if (savedEnv[name] !== undefined) process.env[name] = savedEnv[name];
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to load a csvPath whose content changed after check, and uploads nothing", async () => {
    await loadProvider.configure!(online);
    const file = path.join(dir, "changing.csv");
    writeFileSync(file, "id,displayName\nV100,Before\n");
    const { inputs, failures } = await loadProvider.check!({}, { sourceId: HR, csvPath: file, pollIntervalMs: 50 });
    expect(failures).to.deep.equal([]);
    writeFileSync(file, "id,displayName\nV100,After\n");
    sim.clearRequests();
    const err = await failure(loadProvider.create(inputs));
    expect(err.message).to.contain(`csvPath "${file}" changed after it was checked`).and.contain("nothing was loaded");
    expect(uploads()).to.deep.equal([]);
  });

  it("repeats the schema checks at create when check had no connection settings", async () => {
    await loadProvider.configure!(stackConfig({}));
    const { inputs, failures } = await loadProvider.check!(
      {},
      { sourceId: CONTRACTORS, csvContent: "id,displayName\nV200,X\n" },
    );
    expect(failures).to.deep.equal([]);

    resetProviderRuntime(); // the create runs in another plugin process, with the settings
    await loadProvider.configure!(online);
    sim.clearRequests();
    const err = await failure(loadProvider.create(inputs));
    expect(err.message).to.contain(`the CSV cannot be loaded into source ${CONTRACTORS}; nothing was uploaded`);
    expect(err.message).to.contain('row 1: the header has no column "login"');
    expect(uploads()).to.deep.equal([]);
  });

  it("fails a load into a source that does not exist, naming it", async () => {
    await loadProvider.configure!(online);
    const missing = "0123456789abcdef0123456789abcdef";
    const { failures } = await loadProvider.check!({}, { sourceId: missing, csvContent: "id\nV300\n" });
    expect(failures).to.deep.equal([
      { property: "sourceId", reason: `source ${missing} does not exist in this tenant (check sourceId)` },
    ]);
  });

  it("takes up a timed-out run that has completed since, without starting another", async () => {
    await classificationProvider.configure!(online);
    await startClassification(iscClient(), CONTRACTORS);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const finished = await getClassification(iscClient(), CONTRACTORS);
    expect(finished?.status).to.equal("COMPLETED");

    sim.clearRequests();
    const olds = {
      sourceId: CONTRACTORS,
      status: "STARTED",
      started: finished!.started,
      submitted: 1,
      counts: { expected: 1, received: 0, completed: 0 },
    };
    const stderr = sinon.stub(process.stderr, "write").returns(true);
    let outs: Record<string, unknown> | undefined;
    try {
      ({ outs } = await classificationProvider.update!(CONTRACTORS, olds, {
        sourceId: CONTRACTORS,
        pollIntervalMs: 50,
      }));
    } finally {
      stderr.restore();
    }
    expect(outs).to.deep.include({ status: "COMPLETED", started: finished!.started, submitted: 1 });
    // Progress goes to the plugin's stderr (Pulumi's verbose log).
    expect(stderr.args.map((a) => String(a[0]))).to.deep.equal([
      `isc: classification of source ${CONTRACTORS}: COMPLETED (1 expected, 1 received, 1 classified)\n`,
    ]);
    expect(sim.requests().filter((r) => r.method === "POST")).to.deep.equal([]);
  });

  it("deletes without calling DELETE when nothing is running (never classified, or finished)", async () => {
    await classificationProvider.configure!(online);
    sim.clearRequests();
    await classificationProvider.delete!(HR, { sourceId: HR, status: "COMPLETED" });
    await classificationProvider.delete!(CONTRACTORS, { sourceId: CONTRACTORS, status: "COMPLETED" });
    expect(
      sim
        .requests()
        .filter((r) => r.path.endsWith("/classify"))
        .map((r) => `${r.method} ${r.status}`),
    ).to.deep.equal(["GET 404", "GET 200"]);
  });
});
