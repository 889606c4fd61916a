import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Cornerstone3D: vtk.js needs the `events` package (not the Node built-in); the DICOM image
 * loader starts its decoder as an ES-module web worker and loads wasm codecs at run time.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: {
    alias: { events: fileURLToPath(new URL('../../node_modules/events/events.js', import.meta.url)) },
  },
  optimizeDeps: {
    exclude: ['@cornerstonejs/dicom-image-loader'],
  },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8042',
      '/dicomweb': 'http://127.0.0.1:8042',
    },
  },
});
