/**
 * The repository's own Pulumi program (Pulumi.yaml at the top level): applies the account
 * definitions in the directory named by `isc-accounts:definitionsDir` (default ./accounts).
 * Connection: `isc:baseUrl`, `isc:clientId`, `isc:clientSecret` (secret) or SAIL_* env.
 */
import * as pulumi from "@pulumi/pulumi";
import { accountsFromDirectory, summarizeAccounts } from "../provider";

// Relative to the program directory (Pulumi's cwd), and left as written so errors name the files
// the way the user can open them. An empty set is refused unless `isc-accounts:allowEmpty` is true.
const dir = new pulumi.Config("isc-accounts").get("definitionsDir") ?? "./accounts";
const accounts = accountsFromDirectory(dir);

export const summary = summarizeAccounts(accounts);
