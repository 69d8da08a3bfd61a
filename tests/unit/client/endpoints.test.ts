import { expect } from "chai";
import * as accounts from "../../../provider/client/accounts";
import { IscApiError } from "../../../provider/client/errors";
import * as jobs from "../../../provider/client/jobs";
import { createIscClient, type IscClient } from "../../../provider/client/request";
import * as sources from "../../../provider/client/sources";
import * as tasks from "../../../provider/client/tasks";
import { FakeIsc, json, settingsFor, useFakeIsc } from "./fixtures/fake-isc";

describe("client endpoint functions", () => {
  let fake: FakeIsc;
  let client: IscClient;
  const fakeIsc = useFakeIsc();
  beforeEach(() => {
    fake = fakeIsc();
    client = createIscClient(settingsFor(fake), { rateLimit: false, retry: { minDelayMs: 1, maxDelayMs: 2 } });
  });

  it("createAccount posts the body and returns the TASK id", async () => {
    fake.on("POST", "/v3/accounts", (_req, res) => json(res, 202, { id: "task-1" }));
    expect(await accounts.createAccount(client, { attributes: { sourceId: "s1", name: "jdoe" } })).to.equal("task-1");
    const [req] = fake.api();
    expect(JSON.parse(req.body.toString())).to.deep.equal({ attributes: { sourceId: "s1", name: "jdoe" } });
    expect(req.headers["content-type"]).to.contain("application/json");
  });

  it("getAccount and deleteAccount turn 404 into undefined; other errors pass through", async () => {
    fake.on("GET", "/v3/accounts/boom", (_req, res) => json(res, 403, { messages: [{ text: "forbidden" }] }));
    expect(await accounts.getAccount(client, "missing")).to.equal(undefined);
    expect(await accounts.deleteAccount(client, "missing")).to.equal(undefined);
    const err = await accounts.getAccount(client, "boom").catch((e: unknown) => e);
    expect(err).to.be.instanceOf(IscApiError);
    fake.on("DELETE", "/v3/accounts/a1", (_req, res) => json(res, 202, { id: "task-del" }));
    expect(await accounts.deleteAccount(client, "a1")).to.equal("task-del");
  });

  it("patchAccount sends application/json-patch+json", async () => {
    fake.on("PATCH", "/v3/accounts/a1", (_req, res) => json(res, 202, {}));
    await accounts.patchAccount(client, "a1", [{ op: "replace", path: "/attributes/email", value: "x@y" }]);
    const [req] = fake.api();
    expect(req.headers["content-type"]).to.equal("application/json-patch+json");
    expect(JSON.parse(req.body.toString())).to.deep.equal([{ op: "replace", path: "/attributes/email", value: "x@y" }]);
  });

  it("enable, disable, unlock, reload and put return task ids from their own paths", async () => {
    let n = 0;
    fake.on("POST", /^\/v3\/accounts\/a1\/\w+$/, (_req, res) => json(res, 202, { id: `task-${++n}` }));
    fake.on("PUT", "/v3/accounts/a1", (_req, res) => json(res, 202, { id: "task-put" }));
    expect(await accounts.enableAccount(client, "a1", { forceProvisioning: true })).to.equal("task-1");
    expect(await accounts.disableAccount(client, "a1", {})).to.equal("task-2");
    expect(await accounts.unlockAccount(client, "a1", { unlockIDNAccount: true })).to.equal("task-3");
    expect(await accounts.reloadAccount(client, "a1")).to.equal("task-4");
    expect(await accounts.putAccount(client, "a1", { attributes: { name: "x" } })).to.equal("task-put");
    expect(fake.api().map((r) => r.path)).to.deep.equal([
      "/v3/accounts/a1/enable",
      "/v3/accounts/a1/disable",
      "/v3/accounts/a1/unlock",
      "/v3/accounts/a1/reload",
      "/v3/accounts/a1",
    ]);
  });

  it("a 202 without a task id is an error, not an undefined id", async () => {
    fake.on("POST", "/v3/accounts", (_req, res) => json(res, 202, {}));
    const err = (await accounts
      .createAccount(client, { attributes: { sourceId: "s1" } })
      .catch((e: unknown) => e)) as Error;
    expect(err.message).to.contain("without a task id");
  });

  it("getAccountSchema picks the account schema", async () => {
    fake.on("GET", "/v3/sources/s1/schemas", (_req, res) =>
      json(res, 200, [
        { id: "g", name: "group", nativeObjectType: "group" },
        { id: "acc", name: "account", nativeObjectType: "account", identityAttribute: "id" },
      ]),
    );
    expect((await sources.getAccountSchema(client, "s1"))?.id).to.equal("acc");
    expect(await sources.getSource(client, "nope")).to.equal(undefined);
  });

  it("listTaskStatuses asks for at most 250 ids per request with id in (...)", async () => {
    fake.on("GET", "/v2025/task-status", (req, res) => {
      const ids = [...(req.query.get("filters") ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      json(
        res,
        200,
        ids.map((id) => ({ id })),
      );
    });
    const ids = Array.from({ length: 600 }, (_, i) => `t${i}`);
    const found = await tasks.listTaskStatuses(client, ids);
    expect(found.map((t) => t.id)).to.deep.equal(ids);
    expect(fake.api()).to.have.length(3);
    expect(fake.api()[0].query.get("filters")).to.match(/^id in \("t0","t1",/);
  });

  it("loadUncorrelatedAccounts uploads the CSV as multipart field `file`", async () => {
    fake.on("POST", "/v2025/sources/s1/load-uncorrelated-accounts", (_req, res) =>
      json(res, 202, { success: true, task: { id: "task-load" } }),
    );
    const result = await jobs.loadUncorrelatedAccounts(client, "s1", "id,name\n1,jdoe\n", "people.csv");
    expect(result.task?.id).to.equal("task-load");
    const [req] = fake.api();
    expect(req.headers["content-type"]).to.match(/^multipart\/form-data; boundary=/);
    const body = req.body.toString();
    expect(body).to.contain('name="file"; filename="people.csv"').and.contain("id,name\n1,jdoe\n");
  });

  it("re-sends the whole CSV when the upload is throttled (429 is safe to repeat)", async () => {
    let calls = 0;
    fake.on("POST", "/v2025/sources/s1/load-uncorrelated-accounts", (_req, res) =>
      ++calls === 1
        ? json(res, 429, { message: "slow down" }, { "Retry-After": "0" })
        : json(res, 202, { success: true, task: { id: "t" } }),
    );
    await jobs.loadUncorrelatedAccounts(client, "s1", Buffer.from("id\n1\n"));
    const bodies = fake.api().map((r) => r.body.toString());
    expect(bodies).to.have.length(2);
    for (const body of bodies) expect(body).to.contain('filename="accounts.csv"').and.contain("id\n1\n");
  });

  it("classification calls carry the experimental header; a missing status is undefined", async () => {
    fake.on("POST", "/v2025/sources/s1/classify", (_req, res) =>
      json(res, 200, { "Accounts submitted for processing": 3 }),
    );
    fake.on("DELETE", "/v2025/sources/s1/classify", (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    expect(await jobs.startClassification(client, "s1")).to.deep.equal({ "Accounts submitted for processing": 3 });
    expect(await jobs.getClassification(client, "s1")).to.equal(undefined);
    await jobs.cancelClassification(client, "s1");
    expect(fake.api().map((r) => r.headers["x-sailpoint-experimental"])).to.deep.equal(["true", "true", "true"]);
  });
});
