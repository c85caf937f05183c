import { clearKey, getKey } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The server's error body is `{ message: string | string[] }`; show it as the user would read it. */
export function errorMessage(status: number, body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return `request failed with HTTP ${status}`;
}

async function send(path: string, init: RequestInit = {}, key = getKey()): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key) headers.set('X-API-Key', key);
  if (init.body && typeof init.body === 'string') headers.set('Content-Type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    if (res.status === 401) {
      clearKey();
      window.dispatchEvent(new Event('workbench:logged-out'));
    }
    throw new ApiError(res.status, errorMessage(res.status, body));
  }
  return res;
}

export async function getJson<T>(path: string, key?: string): Promise<T> {
  return (await send(path, {}, key ?? getKey())).json() as Promise<T>;
}

export async function postJson<T>(path: string, body: unknown = {}, method = 'POST'): Promise<T> {
  return (await send(path, { method, body: JSON.stringify(body) })).json() as Promise<T>;
}

/** Downloads a file that needs the key (a plain link cannot carry the header). */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await send(path);
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  saveBlob(await res.blob(), name);
}

export function saveBlob(blob: Blob | string, name: string): void {
  const url = typeof blob === 'string' ? blob : URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  if (typeof blob !== 'string') setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const enc = encodeURIComponent;
