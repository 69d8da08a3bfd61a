/** The entry of `npm run bench` / `npm run soak`: parse the options, run, exit with the script's code. */
export function runScript<O>(
  name: string,
  parse: (argv: readonly string[]) => O,
  main: (options: O) => Promise<number>,
): void {
  let options: O;
  try {
    options = parse(process.argv.slice(2));
  } catch (err) {
    // commander has printed the help or the usage error
    process.exit((err as { exitCode?: number }).exitCode ?? 2);
  }
  main(options).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
