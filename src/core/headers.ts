// Browser security headers on every answer (@fastify/helmet): the web app, the Swagger UI and the
// API alike. The Content Security Policy is the second line behind escaping: text that parties
// publish (vessel names, voyage numbers, remarks) is shown to other parties, and a script slipped
// into it must not run even where a page forgets to escape. Scripts come only from the platform's
// own files (Vite's bundles and the Swagger UI's are files, none inline); styles may be inline
// because Ant Design writes its CSS-in-JS into <style> elements and ECharts styles its tooltip.
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  // Ant Design and the Swagger UI draw some icons as data: URIs.
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  // No page of the platform is meant to be framed: no clickjacking.
  'frame-ancestors': ["'none'"],
};

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      // Helmet's defaults would add upgrade-insecure-requests, which breaks a plain-HTTP
      // deployment on a private network; HTTPS is the proxy's to enforce (README, Configuration).
      useDefaults: false,
      directives: CONTENT_SECURITY_POLICY,
    },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
}
