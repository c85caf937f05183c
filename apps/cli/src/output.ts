/**
 * Where a command writes. Results go to stdout (`line`), everything else — status, logs, progress —
 * to stderr, so `--json` output can be piped without noise.
 */
export interface Output {
  /** One line of the command's result, on stdout. */
  line(text: string): void;
  /** One status or log line, on stderr. */
  note(text: string): void;
  /** Shows how far a long task is (0..1), on stderr. */
  progress(fraction: number, label: string): void;
  /** Ends the current progress display (call once the task is over). */
  endProgress(): void;
}

const BAR_WIDTH = 30;

/**
 * The real terminal. On a TTY the progress is one bar redrawn in place; otherwise (a log file, CI)
 * it is a line each time another quarter is done.
 */
export class ProcessOutput implements Output {
  private bar: string | null = null;
  private quartersShown = 0;

  constructor(
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream | NodeJS.WritableStream = process.stderr,
    private readonly isInteractive = Boolean((stderr as NodeJS.WriteStream).isTTY),
  ) {}

  line(text: string): void {
    this.stdout.write(`${text}\n`);
  }

  note(text: string): void {
    if (this.bar !== null) this.stderr.write('\r\x1b[2K');
    this.stderr.write(`${text}\n`);
    if (this.bar !== null) this.stderr.write(this.bar);
  }

  progress(fraction: number, label: string): void {
    const f = Math.min(1, Math.max(0, fraction));
    const percent = Math.floor(f * 100);
    if (this.isInteractive) {
      const filled = Math.round(f * BAR_WIDTH);
      this.bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}%  ${label}`;
      this.stderr.write(`\r\x1b[2K${this.bar}`);
      return;
    }
    const quarters = Math.floor(f * 4);
    if (quarters > this.quartersShown) {
      this.quartersShown = quarters;
      this.stderr.write(`${quarters * 25}%  ${label}\n`);
    }
  }

  endProgress(): void {
    if (this.bar !== null) this.stderr.write('\n');
    this.bar = null;
    this.quartersShown = 0;
  }
}

/** An output that keeps what it is given, for tests. */
export class MemoryOutput implements Output {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly progressReports: { fraction: number; label: string }[] = [];

  line(text: string): void {
    this.stdout.push(text);
  }
  note(text: string): void {
    this.stderr.push(text);
  }
  progress(fraction: number, label: string): void {
    this.progressReports.push({ fraction, label });
  }
  endProgress(): void {
    // nothing is drawn, so nothing to end
  }
}
