// The one error of a wrong configuration: every variable that is wrong, named, never its value.
// Its own module, so that lib/config.ts and the settings it gathers (lib/marketplace/config.ts)
// share it without importing each other.
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (see .env.example):\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}
