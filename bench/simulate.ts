// The port simulator end to end through the API, at the plan's 2035 volume (full scale):
//
//   npx tsx bench/simulate.ts [--days 1] [--scaling 1,3,7] [--sample 1]
//   DATABASE_URL=postgres://… npx tsx bench/simulate.ts
//
// For each run: wall time, events per second, and the share of the wall time spent outside the
// database (generator + HTTP + validation), from the server's own /metrics. `--scaling` replays
// 1, 3 and 7 days to show how the wall time grows with the simulated days.
import { parseArgs } from 'node:util';
import { PlatformClient } from '../src/sim/client.js';
import { replay } from '../src/sim/runner.js';
import { ALL_PARTIES, annualTeuForYear, buildServices } from '../src/sim/world.js';
import { round, saveResult, serverDbSeconds, serverProcess } from './common.js';

const { values } = parseArgs({ options: { days: { type: 'string', default: '1' }, scaling: { type: 'string', default: '' }, sample: { type: 'string', default: '1' }, year: { type: 'string', default: '2035' } } });
const DAY_MS = 86_400_000;

async function once(days: number) {
  const server = await serverProcess();
  try {
    const client = new PlatformClient(server.url, server.adminKey);
    const parties = await client.createParties(ALL_PARTIES);
    await client.registerPort(buildServices(1), parties);
    const db0 = await serverDbSeconds(server);
    const startMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - (days + 2) * DAY_MS;
    const r = await replay(client, parties, { seed: 1, annualTeu: annualTeuForYear(Number(values.year)), sample: Number(values.sample), days, startMs,
      onDay: (d, p) => process.stderr.write(`  day ${d + 1}/${days}: ${p.events.toLocaleString('en')} events\n`) });
    const dbSeconds = (await serverDbSeconds(server)) - db0;
    return {
      days, teu: Math.round(r.teu), boxes: r.boxes, events: r.events, grants: r.grants,
      wallSeconds: round(r.seconds, 1), eventsPerSecond: round(r.events / r.seconds),
      generatorSeconds: round(r.generatorSeconds, 1), databaseSeconds: round(dbSeconds, 1),
      shareOutsideDatabase: round(1 - dbSeconds / r.seconds, 3),
    };
  } finally {
    await server.stop();
  }
}

const runs = [];
for (const days of values.scaling ? values.scaling.split(',').map(Number) : [Number(values.days)]) {
  const r = await once(days);
  console.log(JSON.stringify(r));
  runs.push(r);
}
if (runs.length > 1) {
  const base = runs[0];
  for (const r of runs) console.log(`${r.days} day(s): ${r.wallSeconds} s, ${round(r.wallSeconds / r.days / base.wallSeconds * base.days, 2)}× the time per day of ${base.days} day(s)`);
}
saveResult(values.scaling ? 'simulate-scaling' : 'simulate', { year: Number(values.year), sample: Number(values.sample), runs });
