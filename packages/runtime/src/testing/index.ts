/** Test fixtures: real nats-server processes and real service processes. Never mocks. */
export { startNatsServer, type NatsServerHandle } from './nats-server.js';
export { startPostgresServer, postgresBinDir, type PostgresServerHandle } from './postgres-server.js';
export { startNatsCluster, type NatsClusterHandle, type NatsClusterNode } from './nats-cluster.js';
export { startProcess, type ServiceProcess } from './service-process.js';
export { startTestSystem, type TestSystem } from './test-system.js';
export { waitUntil } from './wait-until.js';
export { testTasks } from './test-tasks.js';
export { withEnqueue } from './enqueue-override.js';
