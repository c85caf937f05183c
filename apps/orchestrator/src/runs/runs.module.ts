import { Module } from '@nestjs/common';
import { RunsController } from './runs.controller';

/** The runs routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [RunsController] })
export class RunsModule {}
