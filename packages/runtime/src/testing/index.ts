/** Test fixtures: real nats-server processes and real service processes. */
export { startNatsServer, type NatsServerHandle } from './nats-server.js';
export { startProcess, type ServiceProcess } from './service-process.js';
export { waitUntil } from './wait-until.js';
