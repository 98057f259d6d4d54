/**
 * services/ai — boots, connects and provisions; its tasks are not built yet.
 */
import { onShutdownSignal, parseEnvOrExit, RuntimeEnv, startServiceRuntime } from '@reelay/runtime';

const config = parseEnvOrExit(RuntimeEnv, process.env, 'ai');
const runtime = await startServiceRuntime('ai', config);
runtime.logger.info('ai ready');
onShutdownSignal(runtime.logger, () => runtime.close());
