/**
 * services/render-gpu — boots, connects and provisions; its tasks are not built yet.
 */
import { onShutdownSignal, parseEnvOrExit, RuntimeEnv, startServiceRuntime } from '@reelay/runtime';

const config = parseEnvOrExit(RuntimeEnv, process.env, 'render-gpu');
const runtime = await startServiceRuntime('render-gpu', config);
runtime.logger.info('render-gpu ready');
onShutdownSignal(runtime.logger, () => runtime.close());
