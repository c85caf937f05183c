import { Module } from '@nestjs/common';
import { CustomersController } from './customers.controller';

/** The customers routes; the services they use come from the global workbench providers (app.module.ts). */
@Module({ controllers: [CustomersController] })
export class CustomersModule {}
