/** A config that cannot be used. The message names the file and the field. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'EGOVCONFIG';
  constructor(message: string, readonly file: string | null) {
    super(message);
  }
}
