/**
 * Who may call the /__sim admin API: tools and tests on this machine, never a web page. A page the
 * developer visits could otherwise reconfigure the simulator with a cross-origin POST (browsers send
 * `Origin` on those, Fetch standard §3.1) or read it after DNS rebinding (the Host header then names
 * the attacker's domain). `Sec-Fetch-Site` (Fetch Metadata) marks the rest of browser requests.
 */
import type { IncomingHttpHeaders } from "node:http";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function hostOf(value: string): { host: string; port: string } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value.trim().toLowerCase());
  return match ? { host: match[1], port: match[2] ?? "80" } : undefined;
}

function isOwnAuthority(authority: string, port: number): boolean {
  const parsed = hostOf(authority);
  return parsed !== undefined && LOOPBACK_HOSTS.has(parsed.host) && parsed.port === String(port);
}

/** Why an admin call must be refused, or undefined when it may proceed. */
export function adminRefusal(headers: IncomingHttpHeaders, port: number): string | undefined {
  const host = headers.host;
  if (host !== undefined && !isOwnAuthority(host, port))
    return `The admin API answers only on 127.0.0.1:${port}, not Host "${host}"`;
  const origin = headers.origin;
  if (origin !== undefined) {
    const match = /^http:\/\/(.+)$/i.exec(origin);
    if (!match || !isOwnAuthority(match[1], port))
      return `The admin API refuses calls from another origin ("${origin}")`;
  }
  const site = headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none")
    return "The admin API refuses cross-site browser requests";
  return undefined;
}
