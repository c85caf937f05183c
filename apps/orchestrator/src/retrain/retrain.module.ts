import { Module } from '@nestjs/common';
import { RetrainController } from './retrain.controller';

/** The retrain routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [RetrainController] })
export class RetrainModule {}
