/**
 * ISC simulator: a real HTTP server on 127.0.0.1 that behaves like SailPoint Identity Security
 * Cloud for the accounts contract (../shared/isc-openapi), with fault injection and an admin API.
 *
 *   const sim = await startSimulator({ taskDelayMs: 20 });
 *   // sim.url, sim.clients[0].clientId / clientSecret, sim.admin.listAccounts(), sim.setFaults({...})
 *   await sim.stop();
 */
import { SimulatorServer } from "./server";
import type { RunningSimulator, SimulatorOptions } from "./types";

export { DEMO_CLIENT, DEMO_IDS, demoSeed } from "./seed";
export { SimulatorAdminError } from "./admin";
export { FaultConfigError, NO_FAULTS } from "./faults";
export type * from "./types";

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const server = new SimulatorServer(options);
  const port = await server.listen(options.port ?? 0);
  const { faults, tenant } = server.services;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get clients() {
      return tenant.clientList().map(({ clientId, clientSecret }) => ({ clientId, clientSecret }));
    },
    setFaults: (partial) => faults.set(partial),
    resetFaults: () => faults.reset(),
    requests: () => server.requestLog.list(),
    clearRequests: () => server.requestLog.clear(),
    admin: server.admin,
    expireAllTokens: () => server.expireAllTokens(),
    issuedTokens: () => server.issuedTokens(),
    completeTasks: () => server.services.tasks.completeRunning(),
    holdTasks: (hold) => server.services.tasks.hold(hold),
    stop: () => server.stop(),
  };
}
