import { Module } from '@nestjs/common';
import { AlertsController } from './alerts.controller';

/** The KPI alert routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [AlertsController] })
export class AlertsModule {}
