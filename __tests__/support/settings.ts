/** The one Settings builder for in-process rule tests: CLI-like defaults, every field filled. */
import { defaultConfig } from '../../src/settings/config.js';
import type { LockgateConfig, Settings } from '../../src/settings/types.js';

export type SettingsOverrides = Partial<Omit<Settings, 'config'>> & { config?: Partial<LockgateConfig> };

export function baseTestSettings(overrides: SettingsOverrides = {}): Settings {
  const { config, ...rest } = overrides;
  return {
    dir: '/repo',
    base: null,
    head: null,
    format: 'json',
    output: null,
    cooldownDays: 7,
    now: new Date('2026-09-01T12:00:00Z'),
    offline: false,
    indexUrl: null,
    failOn: 'error',
    configFile: '.github/lockgate.yml',
    onlyNew: false,
    config: { ...defaultConfig(), ...config },
    networkBudgetMs: 10_000,
    githubApiUrl: 'https://api.github.com',
    githubToken: null,
    repository: null,
    scope: '',
    sarifCategory: null,
    ...rest,
  };
}
