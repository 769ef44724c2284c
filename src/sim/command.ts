// `jiaozhou simulate`: replays simulated days of the port against a server (or an embedded one)
// and prints a summary; `--json` makes the last line one JSON object.
import { parseArgs } from 'node:util';
import { PlatformClient } from './client.js';
import { startEmbeddedServer } from './embedded.js';
import { progressBar } from './progress.js';
import { replay } from './runner.js';
import { ALL_PARTIES, annualTeuForYear, buildServices } from './world.js';

const DAY_MS = 24 * 3600_000;

export const SIMULATE_USAGE = `  simulate [--year Y] [--teu N] [--days D] [--speed max] [--seed S] [--sample F]
           [--url URL --admin-key KEY] [--json]
                                          replay simulated days of the port through the API`;

export async function simulateCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      year: { type: 'string', default: '2035' }, teu: { type: 'string' }, days: { type: 'string', default: '1' },
      speed: { type: 'string', default: 'max' }, seed: { type: 'string', default: '1' }, sample: { type: 'string', default: '1' },
      url: { type: 'string' }, 'admin-key': { type: 'string' }, json: { type: 'boolean', default: false },
    },
  });
  const number = (flag: string, value: string, check: (n: number) => boolean, rule: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || !check(n)) throw new Error(`--${flag} ${rule}, got ${value}`);
    return n;
  };
  const year = number('year', values.year!, (n) => Number.isInteger(n) && n >= 2000 && n <= 2100, 'must be a year');
  const annualTeu = values.teu ? number('teu', values.teu, (n) => n > 0, 'must be a positive number of TEU a year') : annualTeuForYear(year);
  const days = number('days', values.days!, (n) => Number.isInteger(n) && n >= 1 && n <= 366, 'must be a whole number of days from 1 to 366');
  const seed = number('seed', values.seed!, (n) => Number.isInteger(n) && n >= 0, 'must be a non-negative integer');
  const sample = number('sample', values.sample!, (n) => n > 0 && n <= 1, 'must be a fraction in (0, 1]');
  const secondsPerDay = values.speed === 'max' ? 0 : 86_400 / number('speed', values.speed!, (n) => n > 0, "must be 'max' or a time compression factor");
  if (values.url && !values['admin-key']) throw new Error('--url needs --admin-key (an API key of an admin party)');

  const server = values.url ? undefined : await startEmbeddedServer();
  try {
    const baseUrl = values.url ?? server!.url;
    const client = new PlatformClient(baseUrl, values['admin-key'] ?? server!.adminKey);
    const parties = await client.createParties(ALL_PARTIES);
    await client.registerPort(buildServices(seed), parties);
    // The window ends two days ago: every event of it is an actual event in the past.
    const startMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - (days + 2) * DAY_MS;
    const wallStart = Date.now();
    const result = await replay(client, parties, {
      seed, annualTeu, sample, days, startMs,
      onDay: async (day, published) => {
        if (!values.json) progressBar('Simulating', day + 1, days, `day ${day + 1}/${days}, ${published.events.toLocaleString('en')} events`);
        const due = wallStart + (day + 1) * secondsPerDay * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      },
    });
    const summary = {
      seed, year, days, teu: Math.round(result.teu), boxes: result.boxes, events: result.events,
      seconds: Number(result.seconds.toFixed(2)), eventsPerSecond: Math.round(result.events / result.seconds),
    };
    if (values.json) {
      console.log(JSON.stringify(summary));
    } else {
      console.log([
        `Simulated ${days} day(s) of the port of Qingdao at ${(annualTeu / 1e6).toFixed(2)} million TEU a year (sample ${sample}, seed ${seed}):`,
        `  ${summary.teu.toLocaleString('en')} TEU over the quay, ${summary.boxes.toLocaleString('en')} boxes, ${summary.events.toLocaleString('en')} events, ${result.grants.toLocaleString('en')} grants`,
        `  ${summary.seconds} s, ${summary.eventsPerSecond.toLocaleString('en')} events/s (generator ${result.generatorSeconds.toFixed(1)} s)`,
      ].join('\n'));
    }
  } finally {
    await server?.stop();
  }
}
