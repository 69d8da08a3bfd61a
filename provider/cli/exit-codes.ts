/** Exit codes of every `isc-accounts` command. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
/** drift: drift found; check-csv: aggregating the file would harm managed accounts. */
export const EXIT_FINDINGS = 2;
