/**
 * Reads a request's target the way an API gateway in front of ISC does before routing: percent-
 * encoded unreserved characters decoded and dot segments removed (RFC 3986 §6.2.2.2 and §5.2.4; the
 * same normalisation as Envoy's `normalize_path`). Without it `/v3/%2e%2e/__sim/state` would route
 * differently here than on a real gateway. Never throws: a target no gateway can read is `invalid`.
 */

export type RequestTarget =
  | {
      kind: "valid";
      /** The path as sent (still percent-encoded), without the query. */
      rawPath: string;
      /** The path after normalisation; percent-encodings of reserved characters are kept. */
      path: string;
      query: URLSearchParams;
    }
  | { kind: "invalid"; reason: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Decodes %XX of unreserved characters, upper-cases the hex of the rest; undefined for a bad escape. */
function normalizePercentEncoding(path: string): string | undefined {
  let result = "";
  for (let i = 0; i < path.length; i++) {
    if (path[i] !== "%") {
      result += path[i];
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    const char = String.fromCharCode(parseInt(hex, 16));
    result += UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return result;
}

/** RFC 3986 §5.2.4 remove_dot_segments, for an absolute path. */
export function removeDotSegments(path: string): string {
  const output: string[] = [];
  const segments = path.split("/").slice(1);
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === ".") {
      if (last) output.push("");
    } else if (segment === "..") {
      output.pop();
      if (last) output.push("");
    } else {
      output.push(segment);
    }
  });
  return `/${output.join("/")}`;
}

/** Parses the request-target of an HTTP/1.1 request (origin-form, or absolute-form as proxies send). */
export function parseRequestTarget(target: string | undefined): RequestTarget {
  let pathAndQuery = target ?? "";
  if (!pathAndQuery.startsWith("/")) {
    // absolute-form (RFC 9112 §3.2.2); asterisk-form and authority-form address no resource.
    if (!/^https?:\/\//i.test(pathAndQuery)) return { kind: "invalid", reason: "The request target must be a path" };
    try {
      const url = new URL(pathAndQuery);
      pathAndQuery = `${url.pathname}${url.search}`;
    } catch {
      return { kind: "invalid", reason: "The request target is not a valid URL" };
    }
  }
  const queryStart = pathAndQuery.indexOf("?");
  const rawPath = queryStart < 0 ? pathAndQuery : pathAndQuery.slice(0, queryStart);
  const decoded = normalizePercentEncoding(rawPath);
  if (decoded === undefined) return { kind: "invalid", reason: "The request path has a malformed percent-encoding" };
  // URLSearchParams never throws: malformed escapes in the query are kept as they are.
  const query = new URLSearchParams(queryStart < 0 ? "" : pathAndQuery.slice(queryStart + 1));
  return { kind: "valid", rawPath, path: removeDotSegments(decoded), query };
}
