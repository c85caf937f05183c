// The API key lives in this tab's sessionStorage only: entered once per browser session, sent as a
// header, never put in a URL (the login link's #key fragment is read once and removed).
const STORAGE = 'workbench.apiKey';

export function getKey(): string | null {
  return sessionStorage.getItem(STORAGE);
}

export function setKey(key: string): void {
  sessionStorage.setItem(STORAGE, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(STORAGE);
}

/** The key in a login link's fragment (`/ui/login#key=…`); fragments never reach the server or its logs. */
export function keyFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const key = params.get('key')?.trim();
  return key ? key : null;
}
