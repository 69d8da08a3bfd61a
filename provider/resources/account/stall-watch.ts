/**
 * Tells the read-ahead when its waiting reads can no longer be helped by waiting. Pulumi has only
 * `--parallel` reads in flight; when every one of them waits for the ration to allow a page, and no
 * page or by-id list is under way, none can end, so Pulumi sends no new read and the ration cannot
 * grow: the waiting reads must go by id (together, in one list).
 */
/** Counts reads in flight, parked reads and requests under way; releases the parked reads after `stallMs` stalled. */
export interface StallWatch {
  /** Runs one read: it counts as in flight until it ends. */
  during<T>(read: () => Promise<T>): Promise<T>;
  /** Counts a request under way (a page or a by-id list). */
  track<T>(request: Promise<T>): Promise<T>;
  /** A read waits for the ration; `release` sends it by id. */
  park(release: () => void): void;
  /** The read no longer waits (woken, released, or its own wait is up). */
  unpark(release: () => void): void;
  /** The most reads that were in flight at once so far. */
  mostReadsInFlight(): number;
}

export function createStallWatch(stallMs: number): StallWatch {
  let reads = 0;
  let mostReads = 0;
  let requests = 0;
  const parked = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  const stalled = () => parked.size > 0 && parked.size === reads && requests === 0;
  const check = () => {
    if (!stalled()) {
      clearTimeout(timer);
      timer = undefined;
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = undefined;
        if (stalled()) for (const release of [...parked]) release();
      }, stallMs);
    }
  };
  const counted = async <T>(change: (by: number) => void, work: () => Promise<T>): Promise<T> => {
    change(1);
    check();
    try {
      return await work();
    } finally {
      change(-1);
      check();
    }
  };
  return {
    during: (read) =>
      counted((by) => {
        reads += by;
        mostReads = Math.max(mostReads, reads);
      }, read),
    track: (request) =>
      counted(
        (by) => (requests += by),
        () => request,
      ),
    park(release) {
      parked.add(release);
      check();
    },
    unpark(release) {
      parked.delete(release);
      check();
    },
    mostReadsInFlight: () => mostReads,
  };
}
