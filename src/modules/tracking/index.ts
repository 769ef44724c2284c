// Track & trace: DCSA events in, container and shipment timelines out.
import type { PlatformModule } from '../../core/context.js';
import { containerStatusProjection } from './projections.js';
import { trackingRoutes } from './routes.js';

export { validateEvent } from './model.js';

export const trackingModule: PlatformModule = {
  name: 'tracking',
  async register(app, ctx) {
    ctx.events.addProjection(containerStatusProjection);
    await trackingRoutes(app, ctx);
  },
};
