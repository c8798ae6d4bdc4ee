import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const rendererRoot = fileURLToPath(new URL('./renderer', import.meta.url));

// The renderer is loaded from `app://` in Electron and from http://127.0.0.1:PORT by `dianjin serve`,
// so every asset URL is relative (`base: './'`). The CSP in renderer/index.html forbids inline scripts and styles:
// keep the build free of them (no inlined module-preload polyfill, no CSS-in-JS).
export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Inlined assets would become data: URLs; only images may use those under the CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: true,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
