/**
 * SailPoint marks endpoints it plans to retire with `X-Deprecated: true` (v3, beta and the yearly
 * versions: supported until Q2 2028, see ../shared/FIELD-NOTES.md). One warning per client, not one
 * per request or route: a run of 1 000 requests should say it once, with what to switch.
 */
import type { Layer } from "./pipeline";

export function deprecationLayer(log: (line: string) => void, apiGenerationSetting: string): Layer {
  let warned = false;
  return (next) => async (request) => {
    const res = await next(request);
    if (!warned && res.headers["x-deprecated"]?.trim().toLowerCase() === "true") {
      warned = true;
      const { method, path } = request.route;
      log(
        `ISC warning: ${method} ${path} answered X-Deprecated: true; SailPoint plans to retire the versioned ` +
          `API paths. ` +
          `Set ${apiGenerationSetting} to "per-service" to use the per-service paths (/accounts/v1, ...).`,
      );
    }
    return res;
  };
}
