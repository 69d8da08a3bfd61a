/**
 * Shared parts of the simulator contract tests: a checker that validates each answer against the
 * contract and records which (operation, status) pairs were seen, the statuses each operation must
 * be seen with, and the generic gate errors (401, 403, 429, 500) every operation can answer.
 */
import { expect } from "chai";
import { ROUTES, type ApiGeneration, type RouteName } from "../../provider/client/routes";
import { demoSeed } from "../../simulator/index";
import type { RunningSimulator, SeedData } from "../../simulator/types";
import { expectValid, routeContract, type Contract } from "./contract";
import { GENERATIONS, SimHttp, type SimResponse } from "./simulator-http";

export const AD_SOURCE_ID = "ad00000000000000000000000000d001";
export const READ_ONLY_CLIENT = { clientId: "read-only-client", clientSecret: "read-only-secret", readOnly: true };

/** The demo tenant plus a non-flat-file source and a client without write authority. */
export function contractSeed(): SeedData {
  const seed = demoSeed();
  return {
    ...seed,
    clients: [...(seed.clients ?? []), READ_ONLY_CLIENT],
    sources: [
      ...(seed.sources ?? []),
      {
        id: AD_SOURCE_ID,
        name: "Corporate AD",
        type: "Active Directory - Direct",
        identityAttribute: "distinguishedName",
        displayAttribute: "cn",
      },
    ],
  };
}

/** Statuses each operation must be seen answering (in each generation) for the contract to count as covered. */
export const EXPECTED_STATUSES: Readonly<Record<RouteName, readonly number[]>> = {
  listAccounts: [200, 400, 401, 429, 500],
  createAccount: [202, 400, 401, 403, 429, 500],
  getAccount: [200, 401, 404, 429, 500],
  putAccount: [202, 400, 401, 403, 404, 429, 500],
  patchAccount: [202, 400, 401, 403, 404, 429, 500],
  deleteAccount: [202, 400, 401, 403, 404, 429, 500],
  enableAccount: [202, 400, 401, 403, 404, 429, 500],
  disableAccount: [202, 400, 401, 403, 404, 429, 500],
  unlockAccount: [202, 400, 401, 403, 404, 429, 500],
  reloadAccount: [202, 400, 401, 403, 404, 429, 500],
  listAccountEntitlements: [200, 400, 401, 404, 429, 500],
  listSources: [200, 400, 401, 429, 500],
  getSource: [200, 401, 404, 429, 500],
  listSourceSchemas: [200, 400, 401, 404, 429, 500],
  getSourceSchema: [200, 401, 404, 429, 500],
  getTaskStatus: [200, 401, 404, 429, 500],
  listTaskStatus: [200, 400, 401, 429, 500],
  loadUncorrelatedAccounts: [202, 400, 401, 403, 429, 500],
  startClassification: [200, 400, 401, 403, 429, 500],
  getClassification: [200, 400, 401, 404, 429, 500],
  cancelClassification: [204, 400, 401, 403, 429, 500],
};

function errorSchemaName(file: string): string {
  return file === "per-service" ? "errorresponsedto" : "ErrorResponseDto";
}

export class ContractChecker {
  private readonly seen = new Set<string>();

  constructor(private readonly contract: Contract) {}

  /** Validates one answer of `route` against the contract (and records it). Returns the body for chaining. */
  check(route: RouteName, generation: ApiGeneration, response: SimResponse, expectedStatus?: number): unknown {
    if (expectedStatus !== undefined)
      expect(response.status, `${route} ${generation}: ${response.text}`).to.equal(expectedStatus);
    const location = routeContract(route, generation);
    const label = `${location.method.toUpperCase()} ${location.path} (${location.file}) -> ${response.status}`;
    const declared = this.contract.spec(location.file).paths[location.path]?.[location.method]?.responses?.[
      String(response.status)
    ];
    if (declared) {
      const validate = this.contract.responseValidator(location.file, location.path, location.method, response.status);
      if (validate) {
        expectValid(validate, response.body, label);
      } else if (response.body !== undefined) {
        // The contract declares no body here (e.g. task-status 404); ours is an ErrorResponseDto.
        expectValid(this.contract.schemaValidator(location.file, errorSchemaName(location.file)), response.body, label);
      }
    } else {
      // Statuses outside the contract that ISC's gateway can still answer.
      expect([405, 503], `${label} is not declared`).to.include(response.status);
      expectValid(this.contract.schemaValidator(location.file, errorSchemaName(location.file)), response.body, label);
    }
    if (response.body !== undefined) expect(response.headers.get("content-type"), label).to.equal("application/json");
    this.seen.add(`${route} ${generation} ${response.status}`);
    return response.body;
  }

  /** The expected (route, generation, status) triples not seen yet. */
  missing(routes: readonly RouteName[]): string[] {
    return routes.flatMap((route) =>
      GENERATIONS.flatMap((generation) =>
        EXPECTED_STATUSES[route]
          .map((status) => `${route} ${generation} ${status}`)
          .filter((key) => !this.seen.has(key)),
      ),
    );
  }
}

function dummyParams(route: RouteName): Record<string, string> {
  const names = [...`${ROUTES[route].versioned.path}${ROUTES[route].perService}`.matchAll(/\{(\w+)\}/g)].map(
    (m) => m[1],
  );
  return Object.fromEntries(names.map((name) => [name, "0123456789abcdef0123456789abcdef"]));
}

/**
 * Registers tests that every route answers the gate's errors as the contract says: 401 without a
 * token, 429 during a rate-limit burst, 500 from injected faults, 403 for a read-only client on writes.
 */
export function describeGateErrors(
  routes: readonly RouteName[],
  context: () => { sim: RunningSimulator; http: SimHttp; checker: ContractChecker },
): void {
  describe("gate errors on every operation", () => {
    afterEach(() => context().sim.resetFaults());

    for (const generation of GENERATIONS) {
      it(`401 without a valid token (${generation})`, async () => {
        const { http, checker } = context();
        for (const route of routes) {
          const response = await http.route(route, generation, dummyParams(route), { token: null });
          checker.check(route, generation, response, 401);
          const expired = await http.route(route, generation, dummyParams(route), { token: "not-a-token" });
          checker.check(route, generation, expired, 401);
        }
      });

      it(`429 with Retry-After during a rate-limit burst (${generation})`, async () => {
        const { sim, http, checker } = context();
        await http.token();
        sim.setFaults({ rateLimitBurst: routes.length });
        for (const route of routes) {
          const response = await http.route(route, generation, dummyParams(route));
          checker.check(route, generation, response, 429);
          expect(Number(response.headers.get("retry-after"))).to.be.at.least(1);
        }
      });

      it(`500 (or 503) from injected server errors (${generation})`, async () => {
        const { sim, http, checker } = context();
        await http.token();
        sim.setFaults({ errorRate: 1 });
        for (const route of routes) {
          // The injected status is 500 or 503 at random; bounded retries until a 500 shows.
          let status = 0;
          for (let attempt = 0; attempt < 60 && status !== 500; attempt++) {
            const response = await http.route(route, generation, dummyParams(route));
            checker.check(route, generation, response);
            status = response.status;
          }
          expect(status, route).to.equal(500);
        }
      });

      it(`403 for a client without write authority (${generation})`, async () => {
        const { sim, checker } = context();
        const readOnly = new SimHttp(sim, READ_ONLY_CLIENT);
        for (const route of routes.filter((name) => ROUTES[name].method !== "GET")) {
          const response = await readOnly.route(route, generation, dummyParams(route), { json: {} });
          checker.check(route, generation, response, 403);
        }
      });
    }
  });
}
