/**
 * The repository's own Pulumi program (Pulumi.yaml at the top level): applies the account
 * definitions in the directory named by `isc-accounts:definitionsDir` (default ./accounts).
 * Connection: `isc:baseUrl`, `isc:clientId`, `isc:clientSecret` (secret) or SAIL_* env.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { accountsFromDirectory, summarizeAccounts } from "../provider";

const dir = new pulumi.Config("isc-accounts").get("definitionsDir") ?? "./accounts";
const accounts = accountsFromDirectory(path.resolve(process.cwd(), dir));

export const summary = summarizeAccounts(accounts);
