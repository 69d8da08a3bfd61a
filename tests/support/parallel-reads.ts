/** Pulumi runs reads (refresh) with --parallel in flight: `parallel` workers, each taking the next item when done. */
export async function withParallelism<T>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}
