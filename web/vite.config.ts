// Build of the web app: `npm run build:web` (from the repository root) writes web/dist, which the
// platform serves at `/`. For development, `npx vite --config web/vite.config.ts` proxies the API
// to a platform on JIAOZHOU_API (default http://127.0.0.1:8099).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const api = process.env.JIAOZHOU_API ?? 'http://127.0.0.1:8099';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Vite 8 transforms TSX with Oxc; React 17+ automatic runtime, no plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Ant Design is large by nature; the split below keeps each chunk cacheable on its own.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // Ant Design marks its modules "use client" (for React Server Components); meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|@babel|@emotion|dayjs|clsx|stylis)[\\/]/ },
            // Only the chart pages import it (lazily): never part of the tracking page's load.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/ },
            { name: 'i18n', test: /node_modules[\\/](i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: Object.fromEntries(['/v1', '/v2', '/admin', '/docs', '/health', '/ready'].map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
