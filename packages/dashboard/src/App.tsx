import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient } from './api/client';
import type { User } from './api/types';
import { AuthContext, type AuthState } from './auth/AuthContext';
import { AppHeader } from './components/AppHeader';
import { ErrorNotice, Loading } from './components/ErrorNotice';
import { toApiError } from './hooks/useResource';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SessionsPage } from './pages/SessionsPage';
import { SitesPage } from './pages/SitesPage';
import { useLocation } from './router/history';
import { matchRoute, type Route } from './router/routes';

// The replayer (rrweb) is the heaviest part of the dashboard: load it only when a replay opens.
const ReplayPage = lazy(() => import('./pages/ReplayPage').then((m) => ({ default: m.ReplayPage })));

type AuthStatus =
  | { status: 'checking' }
  | { status: 'error'; error: unknown }
  | { status: 'anonymous'; notice: string | null }
  | { status: 'signedIn'; user: User };

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'sites':
      return <SitesPage />;
    case 'sessions':
      return <SessionsPage key={route.siteKey} siteKey={route.siteKey} />;
    case 'replay':
      return (
        <Suspense fallback={<Loading label="Loading the player…" />}>
          <ReplayPage key={route.sessionId} sessionId={route.sessionId} />
        </Suspense>
      );
    case 'notFound':
      return <NotFoundPage />;
  }
}

export function App() {
  const [auth, setAuth] = useState<AuthStatus>({ status: 'checking' });
  const [checkToken, setCheckToken] = useState(0);
  const [loggingOut, setLoggingOut] = useState(false);
  const location = useLocation();
  const route = matchRoute(location.pathname);

  const api = useMemo(
    () =>
      new ApiClient({
        onUnauthenticated: () =>
          setAuth({ status: 'anonymous', notice: 'Your session has ended. Sign in again.' }),
      }),
    [],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: checkToken is how "Try again" re-runs the check
  useEffect(() => {
    const controller = new AbortController();
    setAuth({ status: 'checking' });
    api.me(controller.signal).then(
      (user) => setAuth(user === null ? { status: 'anonymous', notice: null } : { status: 'signedIn', user }),
      (error: unknown) => {
        if (!toApiError(error).aborted) setAuth({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [api, checkToken]);

  const logout = useCallback(async () => {
    setLoggingOut(true);
    try {
      await api.logout();
    } catch (error) {
      // The cookie may already be gone; the screen still returns to the login.
      console.warn('Logout request failed', error);
    } finally {
      setLoggingOut(false);
      setAuth({ status: 'anonymous', notice: 'You have signed out.' });
    }
  }, [api]);

  const authState = useMemo<AuthState | null>(
    () => (auth.status === 'signedIn' ? { user: auth.user, api, logout } : null),
    [auth, api, logout],
  );

  if (auth.status === 'checking') {
    return (
      <main className="centered" id="main">
        <Loading />
      </main>
    );
  }
  if (auth.status === 'error') {
    return (
      <main className="centered" id="main">
        <ErrorNotice
          error={auth.error}
          title="Veil is not answering"
          onRetry={() => setCheckToken((t) => t + 1)}
        />
      </main>
    );
  }
  if (auth.status === 'anonymous' || authState === null) {
    return (
      <LoginPage
        api={api}
        notice={auth.status === 'anonymous' ? auth.notice : null}
        onLoggedIn={(user) => setAuth({ status: 'signedIn', user })}
      />
    );
  }
  return (
    <AuthContext.Provider value={authState}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader user={authState.user} onLogout={logout} loggingOut={loggingOut} />
      <main className="page" id="main">
        <Screen route={route} />
      </main>
    </AuthContext.Provider>
  );
}
