// Track & trace: DCSA events in, container and shipment timelines out; grants; the spine of
// vessels' berth arrivals and departures. This file is the module's only public face.
import type { AppContext, PlatformModule } from '../../core/context.js';
import { EventStore } from './eventStore.js';
import { grantRoutes } from './grantRoutes.js';
import { trackingMigrations } from './migrations.js';
import { containerStatusProjection } from './projections.js';
import { trackingRoutes } from './routes.js';
import { BERTH_ARRIVED, BERTH_DEPARTED, spineHandler } from './spine.js';
import { trackingDb } from './tables.js';
import { eventTopic, TNT_API_VERSION } from './topic.js';

export { validateEvent } from './model.js';
export { spineEventId } from './spine.js';
export { containerTimeline } from './eventStore.js';
export { createGrant } from './grants.js';
export { trackingDb } from './tables.js';

const stores = new WeakMap<AppContext, EventStore>();

/** The event store of a running platform (benchmarks load events through it, without HTTP). */
export const eventStoreOf = (ctx: AppContext): EventStore => stores.get(ctx)!;

export const trackingModule: PlatformModule = {
  name: 'tracking',
  migrations: trackingMigrations,
  async register(app, ctx) {
    const store = new EventStore(trackingDb(ctx.db), ctx.dialect, ctx.ownership, ctx.topics);
    stores.set(ctx, store);
    store.addProjection(containerStatusProjection);
    ctx.topics.register(eventTopic);
    ctx.ingest.push(store);
    ctx.commands.on(BERTH_ARRIVED, spineHandler(store));
    ctx.commands.on(BERTH_DEPARTED, spineHandler(store));
    // The DCSA routes name the standard's version on every answer.
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith('/v2/')) reply.header('API-Version', TNT_API_VERSION);
    });
    await trackingRoutes(app, ctx, store);
    await grantRoutes(app, ctx);
  },
};
