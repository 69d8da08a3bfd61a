/**
 * The entitlements of an account, for use in a Pulumi program (e.g. to export or to feed another
 * resource). Reads `GET /v3/accounts/{id}/entitlements`, all pages. Connection: explicit settings,
 * else stack config `isc:baseUrl` / `isc:clientId` / `isc:clientSecret`, else SAIL_* env.
 */
import * as pulumi from "@pulumi/pulumi";
import { createIscClient, listAccountEntitlements, resolveConnectionSettings, type ConnectionSettings } from "../client";
import { summarizeEntitlements, type EntitlementSummary } from "../resources/account/outputs";
import { PULUMI_SETTING_HINTS } from "../resources/shared/runtime";

function programSettings(explicit: Partial<ConnectionSettings>): ConnectionSettings {
  const config = new pulumi.Config("isc");
  return resolveConnectionSettings(
    {
      baseUrl: explicit.baseUrl ?? config.get("baseUrl"),
      clientId: explicit.clientId ?? config.get("clientId"),
      clientSecret: explicit.clientSecret ?? config.get("clientSecret"),
    },
    process.env,
    PULUMI_SETTING_HINTS,
  );
}

/** Entitlements of the account with this id (sorted by id); empty during a preview of a new account. */
export function accountEntitlements(
  accountId: pulumi.Input<string>,
  settings: Partial<ConnectionSettings> = {},
): pulumi.Output<EntitlementSummary[]> {
  return pulumi.output(accountId).apply(async (id) => {
    const client = createIscClient(programSettings(settings));
    return summarizeEntitlements(await listAccountEntitlements(client, id));
  });
}
