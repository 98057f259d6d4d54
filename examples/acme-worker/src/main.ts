/**
 * acme-worker — a Reelay worker of your own: serves the acme.* tasks from the `acme`
 * queue. It is the code behind docs/custom-tasks.md, not part of Reelay itself; start it
 * beside a running Reelay (NATS_URL) with ACME_RATES_URL pointing at the rates API.
 */
import { parseEnvOrExit, runWorker } from '@reelay/runtime';
import { AcmeEnv } from './config.js';
import { convertCurrencyTask } from './tasks/convert-currency.js';
import { proofOfWorkTask } from './tasks/proof-of-work.js';

const config = parseEnvOrExit(AcmeEnv, process.env, 'acme-worker');

// Connects to NATS, provisions the `acme` queue, registers both tasks (with their JSON
// Schemas) in the task registry and starts taking jobs; stops cleanly on SIGTERM/SIGINT.
const { runtime } = await runWorker({
  service: 'acme-worker',
  concurrency: config.ACME_CONCURRENCY,
  tasks: [proofOfWorkTask, convertCurrencyTask(config)],
});
runtime.logger.info({ tasks: ['acme.proof-of-work', 'acme.convert-currency'] }, 'acme-worker ready');
