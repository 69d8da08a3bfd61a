/**
 * `npm run demo` as a user runs it: in full (its plan says "adopt" for accounts it takes over), and
 * piped into a reader that stops early (`npm run demo | head -3`), which must end the demo cleanly
 * and stop the plugin process it started. PATH without a Pulumi CLI keeps it on the plugin route.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";

const DEMO = path.resolve(__dirname, "..", "..", "scripts", "demo.js");
const ENV = { ...process.env, PATH: path.dirname(process.execPath) };

function startDemo(): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [DEMO], { env: ENV, stdio: ["pipe", "pipe", "pipe"] });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code)),
  );
}

/** Children of a process, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name, in parentheses, may contain spaces: the parent pid is the second field after it.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm run demo", function () {
  this.timeout(120_000);
  let demo: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    if (demo && demo.exitCode === null) demo.kill("SIGKILL");
  });

  it("plans an existing account it takes over as 'adopt', not 'create'", async () => {
    demo = startDemo();
    let stdout = "";
    let stderr = "";
    demo.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    demo.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    expect(await exited(demo), stderr).to.equal(0);
    const plan = stdout.slice(stdout.indexOf("== pulumi up"), stdout.indexOf("== pulumi up (again"));
    expect(plan).to.match(/= adopt {3}HR Flat File \/ E1001\n/);
    expect(plan).to.match(/\+ create {2}HR Flat File \/ E1003\n/);
    expect(plan).to.not.match(/create {2}HR Flat File \/ E1001/);
    expect(plan).to.match(/HR Flat File \/ E1001 .* existing account adopted/);
  });

  it("ends with exit code 0 and stops the plugin process when its reader closes stdout", async function () {
    if (process.platform !== "linux") this.skip(); // child processes are found through /proc
    demo = startDemo();
    const child = demo;
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Read until the plugin is surely running (the first `up` has begun), then go away like `head` does.
    await new Promise<void>((resolve, reject) => {
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("== pulumi up")) resolve();
      });
      child.once("exit", () => reject(new Error(`the demo ended before its first up: ${stderr}`)));
    });
    const started = childrenOf(child.pid!);
    expect(started, "the demo runs the plugin as a child process").to.not.be.empty;
    child.stdout.destroy();

    expect(await exited(child), stderr).to.equal(0);
    expect(stderr).to.not.match(/EPIPE|Error/);
    expect(started.filter(isRunning), "processes the demo started and left running").to.deep.equal([]);
  });
});
