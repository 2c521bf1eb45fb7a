/** Issue 11 — placeholder wired into app.tsx; the owner of this page fills it in. */
export function DeviceImportPage() {
  return null;
}
