/** Kept equal to package.json's version by a test (a JSON import would need import attributes in the bundle). */
export const VERSION = '0.1.0';
export const TOOL_NAME = 'lockgate';
export const DOCS_BASE_URL = 'https://github.com/lockgate-dev/lockgate/blob/main/docs/rules/';
