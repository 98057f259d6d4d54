/**
 * services/gateway — boots, connects and provisions; its tasks are not built yet.
 */
import { onShutdownSignal, parseEnvOrExit, RuntimeEnv, startServiceRuntime } from '@reelay/runtime';

const config = parseEnvOrExit(RuntimeEnv, process.env, 'gateway');
const runtime = await startServiceRuntime('gateway', config);
runtime.logger.info('gateway ready');
onShutdownSignal(runtime.logger, () => runtime.close());
