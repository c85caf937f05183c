import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Logger, Redirect, type DynamicModule } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ServeStaticModule } from '@nestjs/serve-static';
import { Public } from '../auth/roles.decorator';

/** Where `nx run web:build` writes the analysts' app (see apps/web/vite.config.ts). */
export const WEB_APP_DIR = join(__dirname, '../../../../dist/apps/web');
/** The app's own URLs live under this prefix, so they never collide with an API route (`/runs/…`). */
export const WEB_APP_ROOT = '/ui';

@ApiExcludeController()
@Controller()
export class WebRootController {
  /** `/` opens the web app; its pages need a key, which the app asks for. */
  @Get()
  @Public()
  @Redirect(`${WEB_APP_ROOT}/`, 302)
  root(): void {
    return;
  }
}

/**
 * Serves the built web app at /ui (every unknown path under it gets index.html, for deep links).
 * `npm run orchestrator` builds it first (cached by Nx); a server started another way without a build
 * serves the API alone and says so.
 */
export function webAppModules(dir = WEB_APP_DIR): DynamicModule[] {
  if (!existsSync(join(dir, 'index.html'))) {
    new Logger('web').warn(`the web app is not built (no ${join(dir, 'index.html')}): run 'npx nx run web:build'; serving the API only`);
    return [];
  }
  return [ServeStaticModule.forRoot({ rootPath: dir, serveRoot: WEB_APP_ROOT, serveStaticOptions: { index: 'index.html', maxAge: '1h' } })];
}
