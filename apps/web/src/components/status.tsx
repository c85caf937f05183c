import type { Status } from '../api/types';

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Problem({ error }: { error: unknown }) {
  return (
    <p className="problem" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

export function StatusBadge({ status }: { status: Status | string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}
