import { accountsFromDirectory, summarizeAccounts } from "pulumi-isc-accounts";

// Every *.yaml under ./accounts becomes one Account per entry. Resource names derive from
// source + nativeIdentity, so moving an entry to another file never replaces the account.
// Pulumi runs the program with the project directory as the working directory.
const accounts = accountsFromDirectory("accounts");

export const summary = summarizeAccounts(accounts);
