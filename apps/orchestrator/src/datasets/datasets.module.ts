import { Module } from '@nestjs/common';
import { DatasetsController } from './datasets.controller';

/** The datasets routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [DatasetsController] })
export class DatasetsModule {}
