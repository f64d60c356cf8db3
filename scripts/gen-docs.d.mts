export function generateDocsModule(root?: string): string;
