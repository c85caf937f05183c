import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';

/** `GET /events/stream`; the workbench and its services come from the global providers (app.module.ts). */
@Module({ controllers: [EventsController] })
export class EventsModule {}
