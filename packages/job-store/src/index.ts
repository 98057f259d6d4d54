/**
 * @reelay/job-store — the searchable history of jobs in SQL: SQLite embedded for the
 * local start, PostgreSQL in production, fed from EVENTS by a checkpointed projector.
 * Not the live state of a job: that is read from JetStream by id.
 */
export {
  JobStore,
  zeroCounts,
  type JobFilter,
  type JobSort,
  type JobPage,
  type JobGroup,
  type UsageRow,
  type Checkpoint,
  type StoredEvent,
} from './job-store.js';
export { JobProjector, type ProjectorOptions } from './projector.js';
export { parseStoreUrl, redactStoreUrl, type StoreLocation } from './store-url.js';
