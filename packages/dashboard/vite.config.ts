import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `npm run dev` forwards API and recorder requests: a local `npm start`. */
const DEV_API_TARGET = 'http://localhost:8080';

// The server serves `dist/` at `/` (any non-API path falls back to index.html).
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // report-charts.html: the compliance pack's charts, drawn by the server in headless Chromium.
    rollupOptions: { input: { main: 'index.html', reportCharts: 'report-charts.html' } },
  },
  server: {
    proxy: {
      '/api': DEV_API_TARGET,
      '/r': DEV_API_TARGET,
      '/ingest': DEV_API_TARGET,
      '/demo': DEV_API_TARGET,
    },
  },
});
