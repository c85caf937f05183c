import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Logger, Redirect, type DynamicModule } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ServeStaticModule } from '@nestjs/serve-static';
import { Public } from '../auth/roles.decorator';

/**
 * Where `nx run web:build` writes the analysts' app (apps/web/vite.config.mts): `dist/apps/web` of the
 * repository. Run from the sources this file is in apps/orchestrator/src/web; run from the production
 * build (tools/build.js keeps the layout under dist/apps/orchestrator/) the same relative path lands in
 * dist/apps/orchestrator, beside which dist/apps/web is.
 */
export const WEB_APP_DIRS = [join(__dirname, '../../../../dist/apps/web'), join(__dirname, '../../../../../web')];
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
 * `npm run orchestrator` builds it first (cached by Nx), as `npm run build` does for `npm start`; a server started without a build
 * serves the API alone and says so.
 */
export function webAppModules(dirs = WEB_APP_DIRS): DynamicModule[] {
  const dir = dirs.find((d) => existsSync(join(d, 'index.html')));
  if (!dir) {
    new Logger('web').warn(
      `the web app is not built (no ${join(dirs[0], 'index.html')}): run 'npx nx run web:build'; serving the API only`,
    );
    return [];
  }
  return [
    ServeStaticModule.forRoot({
      rootPath: dir,
      serveRoot: WEB_APP_ROOT,
      serveStaticOptions: { index: 'index.html', maxAge: '1h' },
    }),
  ];
}
