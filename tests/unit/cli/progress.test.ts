/** Progress output: a live line on a terminal, periodic plain lines elsewhere (CI logs), never on stdout. */
import { expect } from "chai";
import * as sinon from "sinon";
import { PLAIN_LINE_EVERY_MS, progressLine, startProgress } from "../../../provider/cli/progress";

function capture() {
  const out = { text: "", write: (s: string) => (out.text += s) };
  return out;
}

describe("progress output", () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers()));
  afterEach(() => clock.restore());

  describe("when stderr is not a terminal", () => {
    it(
      "prints the latest status as a plain line every few seconds, with the elapsed time, and nothing " + "after stop",
      () => {
        const out = capture();
        const progress = startProgress(out, false);
        progress.set("create: 10 requests");
        expect(out.text, "nothing before the first period").to.equal("");
        clock.tick(PLAIN_LINE_EVERY_MS);
        progress.set("create: 250 requests");
        clock.tick(PLAIN_LINE_EVERY_MS);
        progress.stop();
        clock.tick(3 * PLAIN_LINE_EVERY_MS);
        expect(out.text).to.equal("create: 10 requests (5 s)\ncreate: 250 requests (10 s)\n");
      },
    );

    it("asks `poll` for the status when the work reports no events", () => {
      const out = capture();
      let requests = 0;
      const progress = startProgress(out, false, { poll: () => `delete: ${(requests += 40)} requests` });
      clock.tick(2 * PLAIN_LINE_EVERY_MS);
      progress.stop();
      expect(out.text).to.equal("delete: 40 requests (5 s)\ndelete: 80 requests (10 s)\n");
    });

    it("drift: a long scan piped to a file or CI log prints plain progress lines, no escape codes", () => {
      const out = capture();
      const line = progressLine(out, false);
      line.update({ sourceId: "src", scanned: 250 });
      clock.tick(PLAIN_LINE_EVERY_MS);
      line.update({ sourceId: "src", scanned: 2750 });
      clock.tick(PLAIN_LINE_EVERY_MS);
      line.finish();
      expect(out.text).to.equal("scanning src: 250 accounts (5 s)\nscanning src: 2750 accounts (10 s)\n");
    });
  });

  describe("when stderr is a terminal", () => {
    it("draws one live line at once, redraws it from `poll`, and erases it at stop", () => {
      const out = capture();
      let polled: string | undefined;
      const progress = startProgress(out, true, { poll: () => polled });
      progress.set("phase 1");
      expect(out.text).to.equal("\r\x1b[2K phase 1");
      polled = "phase 2";
      clock.tick(1_000);
      progress.stop();
      expect(out.text).to.equal("\r\x1b[2K phase 1\r\x1b[2K phase 2\r\x1b[2K");
    });

    it("drift: draws nothing for a one-page scan", () => {
      const out = capture();
      const line = progressLine(out, true);
      line.update({ sourceId: "src", scanned: 12 });
      clock.tick(10_000);
      line.finish();
      expect(out.text).to.equal("");
    });
  });
});
