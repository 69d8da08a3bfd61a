/**
 * ISC refusing the credentials (401) during Read or Delete: on `pulumi refresh` and `pulumi destroy` the engine
 * configures the default provider from its inputs in state, i.e. the stack config of the LAST `pulumi up`
 * (pulumi/pulumi pkg/resource/deploy/providers/registry.go), so a rotated client secret is not used until an up.
 * The error says so and how to use the current credentials.
 */
import type * as pulumi from "@pulumi/pulumi";
import { IscApiError } from "../../client";

export const STORED_CREDENTIALS_HINT =
  "On refresh and destroy, Pulumi configures the provider with the stack config saved by the last `pulumi up`: if " +
  "isc:clientId or isc:clientSecret changed since, these are the old credentials. Run `pulumi up` first, or " +
  "`pulumi refresh --run-program` / `pulumi destroy --run-program`, to use the current ones.";

function withHint(error: unknown): unknown {
  if (!(error instanceof IscApiError) || error.status !== 401) return error;
  return Object.assign(new Error(`${error.message}. ${STORED_CREDENTIALS_HINT}`, { cause: error }), {
    name: error.name,
  });
}

/** The provider with Read and Delete failures on 401 explained (the other methods run with the current config). */
export function withStoredCredentialsHint(provider: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider {
  const { read, delete: remove } = provider;
  return {
    ...provider,
    ...(read && {
      read: (id, props) =>
        read.call(provider, id, props).catch((error: unknown) => {
          throw withHint(error);
        }),
    }),
    ...(remove && {
      delete: (id, props) =>
        remove.call(provider, id, props).catch((error: unknown) => {
          throw withHint(error);
        }),
    }),
  };
}
