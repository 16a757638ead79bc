export type {
  FailedJob,
  Job,
  JobBackoff,
  JobData,
  JobHandler,
  JobOptions,
  JobQueue,
  QueueCounts,
  QueueWorker,
  WorkOptions,
} from './job-queue.ts';
export { createRelationalJobQueue } from './adapters/relational/relational-job-queue.ts';
export type { RelationalJobQueueOptions } from './adapters/relational/relational-job-queue.ts';
export { queueMigrations } from './adapters/relational/queue-migrations.ts';
export { createBullmqJobQueue } from './adapters/bullmq/bullmq-job-queue.ts';
export type { BullmqJobQueueOptions } from './adapters/bullmq/bullmq-job-queue.ts';
