// A one-line progress bar on stderr (redrawn in place on a terminal, a line per step otherwise).

let lastTenth = -1;

export function progressBar(label: string, done: number, total: number, detail = ''): void {
  const width = 30;
  const tenth = Math.floor((done / total) * 10);
  // Without a terminal (a log file, CI), print every tenth only.
  if (!process.stderr.isTTY && tenth === lastTenth && done < total) return;
  lastTenth = done >= total ? -1 : tenth;
  const filled = Math.round((Math.min(done, total) / total) * width);
  const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round((done / total) * 100)}% ${detail}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
  else process.stderr.write(`${line}\n`);
}
