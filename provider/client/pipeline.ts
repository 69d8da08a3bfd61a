/**
 * The shape of the request path: a request goes down a stack of layers (retry, error mapping,
 * throttling, auth, rate-limit slot) to the transport, each layer wrapping the next, as octokit's
 * request hooks and plugins do. Each layer lives in the module of its concern.
 */
import type { QueryValues } from "./http";
import type { ResolvedRoute } from "./routes";

export interface RequestOptions {
  params?: Record<string, string>;
  query?: QueryValues;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface IscResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

/** One API call on its way down the layers. */
export interface PreparedRequest {
  route: ResolvedRoute;
  /** Absolute URL with the query string. */
  url: string;
  opts: RequestOptions;
  /**
   * Supplies the bearer token. The transport calls it at the last moment, after every wait above
   * it (rate-limit slot, throttling), so a token never ages in a queue.
   */
  authorize?: () => Promise<string>;
}

export type Send = (request: PreparedRequest) => Promise<IscResponse<unknown>>;

export type Layer = (next: Send) => Send;

/** `compose(a, b, c)(transport)` sends through a, then b, then c, then the transport. */
export function compose(...layers: Layer[]): (transport: Send) => Send {
  return (transport) => layers.reduceRight<Send>((next, layer) => layer(next), transport);
}

/** A promise that resolves after `ms`; the one place the client sleeps outside p-retry and the limiter. */
export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
