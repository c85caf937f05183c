import { Module } from '@nestjs/common';
import { ScoringsController } from './scorings.controller';

/** The scoring routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [ScoringsController] })
export class ScoringsModule {}
