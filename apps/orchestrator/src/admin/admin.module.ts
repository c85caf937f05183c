import { Module } from '@nestjs/common';
import { AdminQueueController } from './admin.controller';

/** The admin routes beside the keys' (the queue's jobs, the dashboard's cookie); the dashboard itself is queue-dashboard.ts. */
@Module({ controllers: [AdminQueueController] })
export class AdminModule {}
