// Where the built dashboard lives, for the gateway to serve: the one Node-side export of
// this package (the app itself is browser code, bundled into dist/ by Vite).
import { fileURLToPath } from 'node:url';

export const dashboardAssetsDir = fileURLToPath(new URL('./dist/', import.meta.url));
