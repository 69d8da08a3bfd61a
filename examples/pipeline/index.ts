import * as pulumi from "@pulumi/pulumi";
import { accountsFromDirectory, summarizeAccounts } from "pulumi-isc-accounts";

// The directory the pipeline validates, previews and applies (relative to this project).
// Relative to the project directory (Pulumi's working directory for the program).
const dir = new pulumi.Config().get("definitionsDir") ?? "accounts";
const accounts = accountsFromDirectory(dir);

export const summary = summarizeAccounts(accounts);
