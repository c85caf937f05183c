import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './components/layout';
import { LoginPage } from './pages/login';
import { SegmentationsPage } from './pages/segmentations';

// Every view has its own URL under /ui (deep links an analyst can paste in a chat); the key never is in one.
// Pages with charts load on first visit, so ECharts is not part of the initial JavaScript.
export const router = createBrowserRouter(
  [
    { path: '/login', element: <LoginPage /> },
    {
      element: <Layout />,
      children: [
        { path: '/', element: <Navigate to="/segmentations" replace /> },
        { path: '/segmentations', element: <SegmentationsPage /> },
        {
          path: '/segmentations/:name',
          lazy: () => import('./pages/versions').then((m) => ({ Component: m.VersionsPage })),
        },
        {
          path: '/segmentations/:name/kpis',
          lazy: () => import('./pages/kpi-track').then((m) => ({ Component: m.KpiTrackPage })),
        },
        {
          path: '/segmentations/:name/retraining',
          lazy: () => import('./pages/retraining').then((m) => ({ Component: m.RetrainingPage })),
        },
        {
          path: '/retraining',
          lazy: () => import('./pages/retraining').then((m) => ({ Component: m.RetrainingIndexPage })),
        },
        { path: '/retrains/:id', lazy: () => import('./pages/retrain').then((m) => ({ Component: m.RetrainPage })) },
        { path: '/runs/:run', lazy: () => import('./pages/run').then((m) => ({ Component: m.RunPage })) },
        { path: '/compare/:a/:b', lazy: () => import('./pages/compare').then((m) => ({ Component: m.ComparePage })) },
        { path: '/customers', lazy: () => import('./pages/customer').then((m) => ({ Component: m.CustomerPage })) },
        { path: '/customers/:id', lazy: () => import('./pages/customer').then((m) => ({ Component: m.CustomerPage })) },
        { path: '/datasets', lazy: () => import('./pages/datasets').then((m) => ({ Component: m.DatasetsPage })) },
        { path: '/datasets/upload', lazy: () => import('./pages/upload').then((m) => ({ Component: m.UploadPage })) },
        { path: '/admin', lazy: () => import('./pages/admin').then((m) => ({ Component: m.AdminPage })) },
        // The new-run form brings rjsf and ajv: loaded on first visit, like the chart pages.
        { path: '/new-run', lazy: () => import('./pages/new-run').then((m) => ({ Component: m.NewRunPage })) },
        { path: '/plugins', lazy: () => import('./pages/plugins').then((m) => ({ Component: m.PluginsPage })) },
        {
          path: '*',
          element: (
            <p role="alert">
              No page here. Go to the <a href="/ui/segmentations">segmentations</a>.
            </p>
          ),
        },
      ],
    },
  ],
  { basename: '/ui' },
);
