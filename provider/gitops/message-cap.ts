/**
 * Keeps quoted input in messages short: the YAML parser and the schema quote what they read, and a
 * whole Markdown file passed to `validate` by mistake once made a 16 KB line in a CI log.
 */
const MAX_QUOTED = 80;
const MAX_MESSAGE = 400;

/** A JSON-style double-quoted string (the parser and the schema messages quote this way). */
const QUOTED = /"(?:[^"\\]|\\.)*"/g;

export function capQuotedInput(message: string): string {
  const capped = message.replace(QUOTED, (quoted) => {
    const inner = quoted.slice(1, -1);
    if (inner.length <= MAX_QUOTED) return quoted;
    // Never end the excerpt inside an escape (a lone `\` would swallow the closing quote).
    const head = inner
      .slice(0, MAX_QUOTED)
      .replace(/\\+$/, (slashes) => (slashes.length % 2 === 1 ? slashes.slice(1) : slashes));
    return `"${head}..." (${inner.length} characters)`;
  });
  return capped.length <= MAX_MESSAGE
    ? capped
    : `${capped.slice(0, MAX_MESSAGE)}... (message cut at ${MAX_MESSAGE} characters)`;
}
