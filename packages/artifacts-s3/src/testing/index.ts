/** "@reelay/artifacts-s3/testing": a local S3-compatible server for process-level tests. Not for production code. */
export { type LocalS3Server, startLocalS3Server } from './local-s3-server.js';
