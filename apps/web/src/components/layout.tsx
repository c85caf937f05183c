import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useSession } from '../api/queries';
import { clearKey, getKey } from '../api/session';
import type { Session } from '../api/types';
import { JobsPanel, LiveJobs } from './jobs';
import { Problem } from './status';

const SessionContext = createContext<Session | null>(null);

/** What the logged-in key may do; pages hide the actions it may not (the server enforces them anyway). */
export const useMay = (): Session['may'] => {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useMay outside the logged-in layout');
  return session.may;
};

/** The frame of every page after login: navigation, who is logged in, and the page. */
export function Layout() {
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const hasKey = !!getKey();
  const session = useSession();

  useEffect(() => {
    const onLogout = () => void navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    window.addEventListener('workbench:logged-out', onLogout);
    return () => window.removeEventListener('workbench:logged-out', onLogout);
  }, [navigate, location]);

  if (!hasKey)
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;

  const logout = () => {
    clearKey();
    queryClient.clear();
    void navigate('/login');
  };

  return (
    <>
      <header className="top">
        <a className="brand" href="/ui/segmentations">
          Segment Workbench
        </a>
        <nav aria-label="Main">
          <NavLink to="/segmentations">Segmentations</NavLink>
          <NavLink to="/customers">Customer lookup</NavLink>
          <NavLink to="/datasets">Datasets</NavLink>
          <NavLink to="/plugins">Plugins</NavLink>
          {session.data?.may.manageKeys && <NavLink to="/admin">Admin</NavLink>}
          <NavLink to="/retraining">Retraining</NavLink>
        </nav>
        <div className="who">
          {session.data && (
            <span data-testid="who">
              {session.data.name} · <strong>{session.data.role}</strong>
            </span>
          )}
          <button type="button" className="secondary" onClick={logout}>
            Log out
          </button>
        </div>
      </header>
      <main>
        {session.isError && <Problem error={session.error} />}
        {session.data && (
          <SessionContext.Provider value={session.data}>
            <LiveJobs>
              <JobsPanel />
              <Outlet />
            </LiveJobs>
          </SessionContext.Provider>
        )}
      </main>
    </>
  );
}
