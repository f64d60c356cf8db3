/**
 * The config that applies without a config file. Its own module, apart from the parser in
 * ./config.ts, so that the CLI's start (`--version`, `--help`) does not load the YAML parser.
 */
import { DEFAULT_LIMITS, type LockgateConfig } from './types.js';

export const DEFAULT_OSV_URL = 'https://api.osv.dev';

export function defaultConfig(): LockgateConfig {
  return {
    cooldown: { exempt: [] },
    rules: {},
    ignore: [],
    workflows: { allowRefPin: [] },
    typosquat: { allow: [], top: 15000 },
    requirements: { pin: 'direct' },
    limits: { ...DEFAULT_LIMITS },
    exclude: [],
    advisories: { ignore: [], minSeverity: 'low', url: DEFAULT_OSV_URL },
    findings: {},
  };
}
