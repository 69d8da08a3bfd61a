/** One small run of the real bench script (20 accounts, fast clock): the JSON figures and the refresh target. */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";

const BENCH = path.resolve(__dirname, "..", "..", "..", "scripts", "bench.js");

interface BenchJson {
  accounts: number;
  phases: Array<{
    phase: string;
    operations: number;
    wallMs: number;
    boundMs: number;
    requests: Record<string, number>;
    problems: number;
    targets: Array<{ name: string; actual: number; limit: number; pass: boolean }>;
  }>;
  provider: { bytesPerResource: number; totalBytes: number; copiesInState: number; stateBytesPerAccount: number };
  memory: { benchPeakRssBytes: number };
  targets: Array<{ name: string; actual: number; limit: number; pass: boolean }>;
  problems: string[];
}

describe("npm run bench (smoke: 20 accounts)", function () {
  this.timeout(30_000);
  let child: ChildProcess | undefined;
  after(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("prints one JSON object with every phase's figures; refreshes 20 accounts within the request target", async () => {
    const output = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      child = spawn(process.execPath, [BENCH, "--accounts", "20", "--time-scale", "0.02", "--json"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
    expect(output.code, output.stderr).to.equal(0);
    const lines = output.stdout.trim().split("\n");
    const figures = JSON.parse(lines[lines.length - 1]) as BenchJson;

    expect(figures.accounts).to.equal(20);
    expect(figures.problems).to.deep.equal([]);
    expect(figures.phases.map((p) => p.phase)).to.deep.equal(["create", "preview", "refresh", "update", "delete"]);
    expect(figures.phases.map((p) => p.operations)).to.deep.equal([20, 20, 20, 2, 20]);
    for (const p of figures.phases) {
      expect(p.wallMs, p.phase).to.be.a("number").and.greaterThan(0);
      expect(p.requests.oauth, `${p.phase}: one token per command`).to.equal(1);
    }
    const create = figures.phases[0];
    expect(create.requests.v3, "one POST per account at least").to.be.at.least(20);
    expect(figures.phases[4].requests.v3, "one DELETE per account").to.equal(20);
    expect(figures.provider.bytesPerResource).to.be.greaterThan(0);
    expect(figures.provider.totalBytes).to.equal(figures.provider.bytesPerResource * 20);
    expect(figures.memory.benchPeakRssBytes).to.be.greaterThan(0);

    expect(figures.provider.stateBytesPerAccount).to.be.greaterThan(figures.provider.bytesPerResource);
    expect(figures.targets.map((t) => t.name)).to.deep.equal(["__provider bytes per resource", "429 share"]);
    const refresh = figures.phases[2].targets.find((t) => t.name === "refresh v3 requests")!;
    expect(refresh.limit).to.equal(6);
    expect(refresh.pass, `refresh used ${refresh.actual} v3 requests`).to.equal(true);

    // Every phase reads the same way: one line on what bounds it, then each of its targets PASS/FAIL.
    const common = ["429 share", "plugin peak MiB"];
    const phaseTargets: Record<string, string[]> = {
      create: [...common, "create wall/bound", "create lookups after create"],
      preview: [...common, "preview schema reads"],
      refresh: [...common, "refresh v3 requests"],
      update: [...common, "update v3 requests / required", "update wall/bound"],
      delete: common,
    };
    for (const [phase, targets] of Object.entries(phaseTargets)) {
      const at = lines.findIndex((l) => l.startsWith(`${phase}: bound `));
      expect(at, `${phase} has a bound line`).to.be.at.least(0);
      expect(lines[at], "the bound line speaks of the bound only").to.not.match(/ sent | need /);
      for (const [i, target] of targets.entries())
        expect(lines[at + 1 + i], phase).to.match(new RegExp(`^  (PASS|FAIL)  ${target}: `));
    }
  });
});
