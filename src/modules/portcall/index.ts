// Port calls: reference data of the port, vessels' calls at its terminals, the DCSA Port Call 2.0
// timestamp exchange between carrier and terminal, and the port's efficiency KPIs.
// This file is the module's only public face.
import type { PlatformModule } from '../../core/context.js';
import { berthPlanRoutes } from './berthplan/berthPlanRoutes.js';
import { eventRoutes } from './timestamps/eventRoutes.js';
import { referenceRoutes } from './reference/referenceRoutes.js';
import { callRoutes } from './calls/routes.js';
import { portcallMigrations } from './schema.js';
import { timestampTopic } from './timestamps/topic.js';

export { computeKpis, groupKpis, type KpiCall } from './kpis/kpis.js';
export { validatePortCallEvent } from './timestamps/model.js';
export { terminalCallsInWindow, type PlanningCall } from './calls/store.js';
export { definitionById } from './timestamps/definitions.js';
export { pc as portcallDb } from './schema.js';
export { berthCommand, BERTH_USAGE } from './optimizer/cli.js';
export * as berthOptimizer from './optimizer/index.js';

export const portcallModule: PlatformModule = {
  name: 'portcall',
  migrations: portcallMigrations,
  async register(app, ctx) {
    ctx.topics.register(timestampTopic);
    await referenceRoutes(app, ctx);
    await callRoutes(app, ctx);
    await eventRoutes(app, ctx);
    await berthPlanRoutes(app, ctx);
  },
};
