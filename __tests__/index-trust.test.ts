/**
 * A pull request writes its own uv.lock, so a registry URL only head names must not make the
 * runner contact that host (SSRF on self-hosted runners). Proven with a real loopback server
 * that counts connections.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatherIndexFacts, trustedIndexes } from '../src/net/index-enrich.js';
import { pairProjects } from '../src/uv/diff.js';
import { loadUvProjects } from '../src/uv/load.js';
import { LIMITS, sourceFromTexts } from './uv-helpers.js';
import { settingsFor } from './cooldown-helpers.js';

let server: Server;
let url: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const pyproject = '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["evil"]\n';
const lock = (index: string) => `version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "evil" }]

[package.metadata]
requires-dist = [{ name = "evil" }]

[[package]]
name = "evil"
version = "1.0"
source = { registry = "${index}" }
wheels = [{ url = "${index}/evil-1.0-py3-none-any.whl", hash = "sha256:${'a'.repeat(64)}" }]
`;
const base = '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = []\n';
const baseLock = 'version = 1\nrevision = 3\nrequires-python = ">=3.12"\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\n';

function pairs(withBase: boolean) {
  const head = loadUvProjects(sourceFromTexts({ 'pyproject.toml': pyproject, 'uv.lock': lock(url) }), LIMITS).projects;
  const before = withBase ? loadUvProjects(sourceFromTexts({ 'pyproject.toml': base, 'uv.lock': baseLock }), LIMITS).projects : null;
  return pairProjects(before, head);
}

describe('which indexes a run may contact', () => {
  it('does not contact an index that only the pull request names', async () => {
    connections = 0;
    const log: string[] = [];
    const facts = await gatherIndexFacts(pairs(true), settingsFor({ base: 'abc', offline: false }), (l) => log.push(l));
    expect(connections).toBe(0);
    const lookups = [...facts.projects.values()];
    expect(lookups).toHaveLength(1);
    expect(lookups[0]).toMatchObject({ status: 'error', message: expect.stringContaining('an index this change introduces') });
    expect(log.join('\n')).toContain('not asked');
  });

  it('contacts it when the configured index-url names it', async () => {
    connections = 0;
    await gatherIndexFacts(pairs(true), settingsFor({ base: 'abc', offline: false, indexUrl: url }), () => undefined);
    expect(connections).toBeGreaterThan(0);
  });

  it('trusts what head names in a full audit (no base: merged code)', async () => {
    connections = 0;
    await gatherIndexFacts(pairs(false), settingsFor({ base: null, offline: false }), () => undefined);
    expect(connections).toBeGreaterThan(0);
  });

  it("always trusts PyPI and the base revision's indexes", () => {
    const trusted = trustedIndexes(pairs(true), null, false);
    expect(trusted.has('https://pypi.org/simple')).toBe(true);
    expect(trusted.has(url)).toBe(false);
  });
});
