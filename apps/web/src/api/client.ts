import { clearKey, getKey } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The refused fields of the request (`errors` of a 400 or 409 body), for a form to show by its inputs. */
    readonly errors: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** The `errors: [{ field, message }]` of an error body, when it has well-formed ones. */
export function fieldErrors(body: unknown): { field: string; message: string }[] {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (e): e is { field: string; message: string } => typeof e?.field === 'string' && typeof e?.message === 'string',
  );
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
    throw new ApiError(res.status, errorMessage(res.status, body), fieldErrors(body));
  }
  return res;
}

export async function getJson<T>(path: string, key?: string): Promise<T> {
  return (await send(path, {}, key ?? getKey())).json() as Promise<T>;
}

export async function postJson<T>(path: string, body: unknown = {}, method = 'POST'): Promise<T> {
  const res = await send(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  // 204 No Content (a DELETE) has no body to parse.
  return (res.status === 204 ? undefined : res.json()) as Promise<T>;
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

/** A refused request with its JSON body (an upload's 400 carries the ingest report beside the message). */
export class ApiBodyError extends ApiError {
  constructor(
    status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(status, message);
  }
}

/**
 * POSTs a multipart form with XMLHttpRequest, the one browser API that reports upload progress:
 * `onUploaded(fraction)` as the bytes go out, then `onSent()` once they are all sent (the server works on).
 * Resolves with the JSON answer and its status; rejects with {@link ApiBodyError} on a non-2xx answer.
 */
export function postForm<T>(
  path: string,
  form: FormData,
  progress: { onUploaded?: (fraction: number) => void; onSent?: () => void } = {},
): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    const key = getKey();
    if (key) xhr.setRequestHeader('X-API-Key', key);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && progress.onUploaded?.(e.loaded / e.total);
    xhr.upload.onload = () => progress.onSent?.();
    xhr.onerror = () => reject(new ApiError(0, `${path}: the request did not reach the server`));
    xhr.onload = () => {
      const body = xhr.response as unknown;
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ status: xhr.status, body: body as T });
      if (xhr.status === 401) {
        clearKey();
        window.dispatchEvent(new Event('workbench:logged-out'));
      }
      reject(new ApiBodyError(xhr.status, errorMessage(xhr.status, body), body));
    };
    xhr.send(form);
  });
}
