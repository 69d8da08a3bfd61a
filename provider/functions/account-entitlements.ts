/**
 * The entitlements of an account, for use in a Pulumi program (e.g. to export or to feed another
 * resource). Reads `GET /v3/accounts/{id}/entitlements`, all pages. Connection: explicit settings,
 * else stack config `isc:baseUrl` / `isc:clientId` / `isc:clientSecret`, else SAIL_* env.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  createIscClient,
  listAccountEntitlements,
  resolveConnectionSettings,
  type ConnectionSettings,
  type IscClient,
} from "../client";
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

/**
 * A RunError is how a Pulumi program ends with just a message (no stack trace). Failing inside the
 * Output instead would be an unhandled rejection nobody awaits: a raw stack trace, under mocks too.
 */
function runError(err: unknown): pulumi.RunError {
  return new pulumi.RunError(`accountEntitlements: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * Entitlements of the account with this id (sorted by id); empty during a preview of a new account.
 * Missing connection settings throw here, at the call, naming each setting and where to set it.
 */
export function accountEntitlements(
  accountId: pulumi.Input<string>,
  settings: Partial<ConnectionSettings> = {},
): pulumi.Output<EntitlementSummary[]> {
  let client: IscClient;
  try {
    client = createIscClient(programSettings(settings));
  } catch (err) {
    throw runError(err);
  }
  return pulumi.output(accountId).apply(async (id) => {
    try {
      return summarizeEntitlements(await listAccountEntitlements(client, id));
    } catch (err) {
      throw runError(err);
    }
  });
}
