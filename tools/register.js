// Runs the TypeScript sources directly (apps, tools, Bull child processes): swc compiles each file
// on load with decorator metadata (NestJS DI and MikroORM need it) and resolves the @workbench/*
// path aliases of tsconfig.base.json, so there is no separate build step to forget.
const path = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.base.json');
require('reflect-metadata');
require('@swc-node/register');
