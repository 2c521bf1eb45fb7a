export async function loadDemoData(..._a: unknown[]) { return { skipped: true, summary: '' }; }
