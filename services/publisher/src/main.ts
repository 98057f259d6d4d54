/**
 * services/publisher — boots, connects and provisions; its tasks are not built yet.
 */
import { onShutdownSignal, parseEnvOrExit, RuntimeEnv, startServiceRuntime } from '@reelay/runtime';

const config = parseEnvOrExit(RuntimeEnv, process.env, 'publisher');
const runtime = await startServiceRuntime('publisher', config);
runtime.logger.info('publisher ready');
onShutdownSignal(runtime.logger, () => runtime.close());
