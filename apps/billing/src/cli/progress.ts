import { SingleBar, Presets } from 'cli-progress';

/**
 * Progress of long work on stderr: a bar at a terminal, otherwise a line every few
 * seconds so that logs of unattended runs still show it moving.
 */
export class Progress {
  private readonly bar: SingleBar | null;
  private lastLine = 0;

  constructor(
    private readonly label: string,
    total: number,
  ) {
    this.bar = process.stderr.isTTY
      ? new SingleBar(
          { format: `${label} [{bar}] {percentage}% | {value}/{total} {unit}`, stream: process.stderr },
          Presets.shades_classic,
        )
      : null;
    this.bar?.start(Math.max(total, 1), 0, { unit: '' });
  }

  update(value: number, total: number, unit = ''): void {
    if (this.bar) {
      this.bar.setTotal(Math.max(total, value, 1));
      this.bar.update(value, { unit });
      return;
    }
    const now = Date.now();
    if (now - this.lastLine >= 2000) {
      this.lastLine = now;
      process.stderr.write(`${this.label}: ${value}${total ? `/${total}` : ''} ${unit}\n`);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
