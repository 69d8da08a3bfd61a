import * as pulumi from "@pulumi/pulumi";
import { Account } from "pulumi-isc-accounts";

const config = new pulumi.Config();

// One employee account on a flat-file source. Flip `enabled` to disable it; set `identityId` to
// correlate it to another identity (or to "none" to uncorrelate it).
const identity = config.get("identityId") ?? "1de0c0ffee0000000000000000000003";

export const account = new Account("alan-turing", {
  sourceId: config.get("sourceId") ?? "5f0a1c9e3b7d4e2a8c6f0b1d2e3f4a51",
  nativeIdentity: "E2001",
  attributes: {
    displayName: "Alan Turing",
    email: "alan.turing@example.com",
    department: "Research",
    groups: ["research", "vpn"],
  },
  identityId: identity === "none" ? null : identity,
  enabled: config.getBoolean("enabled") ?? true,
});

export const accountId = account.accountId;
export const disabled = account.disabled;
export const correlatedTo = account.identityId;
