import { expect } from "chai";
import * as sinon from "sinon";
import { createStallWatch } from "../../../../provider/resources/account/stall-watch";

/** A promise with its resolve, for holding a read or a request open. */
function held(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("stall watch (refresh read-ahead)", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers()));
  afterEach(() => clock.restore());

  it("releases the parked reads once every read in flight has been parked for stallMs, nothing under way", async () => {
    const watch = createStallWatch(100);
    const released: string[] = [];
    const reads = ["a", "b"].map((name) => {
      const open = held();
      void watch.during(() => open.promise);
      return { name, release: () => released.push(name), open };
    });
    watch.park(reads[0].release);
    await clock.tickAsync(500);
    expect(released, "one read is still working").to.deep.equal([]);
    watch.park(reads[1].release);
    await clock.tickAsync(99);
    expect(released).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(released).to.deep.equal(["a", "b"]);
  });

  it("does not release while a page or a by-id list is under way, nor after a read came and went", async () => {
    const watch = createStallWatch(100);
    const released: number[] = [];
    void watch.during(() => new Promise(() => undefined));
    const request = held();
    const tracked = watch.track(request.promise);
    watch.park(() => released.push(1));
    await clock.tickAsync(1_000);
    expect(released, "a request is under way").to.deep.equal([]);
    request.resolve();
    await tracked;
    await clock.tickAsync(60);
    // A new read arrives and ends (answered by a page): the stall starts again from there.
    await watch.during(() => Promise.resolve());
    await clock.tickAsync(60);
    expect(released).to.deep.equal([]);
    await clock.tickAsync(40);
    expect(released).to.deep.equal([1]);
    expect(watch.mostReadsInFlight()).to.equal(2);
  });
});
