import { Module } from '@nestjs/common';
import { ComparisonsController } from './comparisons.controller';

/** The comparisons routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [ComparisonsController] })
export class ComparisonsModule {}
