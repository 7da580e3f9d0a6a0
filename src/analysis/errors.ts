// Errors of the static checker that mean "the check was asked for wrongly" (usage or configuration).

/** Bad options, a missing path, or a malformed baseline: the CLI exits with code 2. */
export class CheckError extends Error {
  override name = 'CheckError';
}
