/** Types for scripts/build-web.mjs (imported by the browser tests). */
export declare function staleReason(): string | null;
export declare function ensureWebBuilt(options?: { log?: (line: string) => void; force?: boolean }): Promise<{ built: boolean; distDir: string }>;
