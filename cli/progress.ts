/**
 * Progress of a long step on stderr: a rewritten line on a terminal, one line per 10 % otherwise
 * (logs and CI). Silent when `quiet` (the --json modes keep stdout and stderr clean).
 */
export function progressPrinter(label: string, quiet = false): (fraction: number, message?: string) => void {
  let lastTenth = -1;
  return (fraction, message) => {
    if (quiet) return;
    const percent = Math.round(fraction * 100);
    const suffix = message ? ` ${message}` : "";
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${label}: ${percent}%${suffix}\x1b[K${fraction >= 1 ? "\n" : ""}`);
    } else if (Math.floor(percent / 10) > lastTenth) {
      lastTenth = Math.floor(percent / 10);
      process.stderr.write(`${label}: ${percent}%${suffix}\n`);
    }
  };
}
