import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { SecondFactorPage } from './access/SecondFactorPage';
import { ApiClient } from './api/client';
import { AuthContext, type AuthState } from './auth/AuthContext';
import type { User, WhoAmI } from './auth/authApi';
import { authApi } from './auth/authApi';
import { LoginPage } from './auth/LoginPage';
import { AppHeader } from './components/AppHeader';
import { ErrorNotice, Loading } from './components/ErrorNotice';
import { toApiError } from './hooks/useResource';
import { useLocation } from './router/history';
import { NotFoundPage } from './router/NotFoundPage';
import { matchRoute, type Route } from './router/routes';
import { SessionsPage } from './sessions/SessionsPage';
import { SitesPage } from './sites/SitesPage';

// The replayer (rrweb) is the heaviest part of the dashboard: load it only when a replay opens.
const ReplayPage = lazy(() => import('./replay/ReplayPage').then((m) => ({ default: m.ReplayPage })));
// Heatmaps (rrweb's rebuild, canvas overlay) load on their own as well.
const HeatmapPage = lazy(() => import('./heatmaps/HeatmapPage').then((m) => ({ default: m.HeatmapPage })));
// Funnels and top paths.
const FunnelPage = lazy(() => import('./funnels/FunnelPage').then((m) => ({ default: m.FunnelPage })));
// The site overview of frustration signals (recharts: loaded with the page).
const OverviewPage = lazy(() => import('./overview/OverviewPage').then((m) => ({ default: m.OverviewPage })));
// Consent evidence and data-subject requests (with core's schemas) load on their own, too.
const ConsentPage = lazy(() => import('./compliance/ConsentPage').then((m) => ({ default: m.ConsentPage })));
const CompliancePage = lazy(() =>
  import('./compliance/CompliancePage').then((m) => ({ default: m.CompliancePage })),
);
const PrivacyRequestsPage = lazy(() =>
  import('./compliance/PrivacyRequestsPage').then((m) => ({ default: m.PrivacyRequestsPage })),
);

// Exposure incidents (72-hour clock, erasure by content) load on their own.
const AlertInboxPage = lazy(() =>
  import('./alerts/AlertInboxPage').then((m) => ({ default: m.AlertInboxPage })),
);
const AlertSinksPage = lazy(() =>
  import('./alerts/AlertSinksPage').then((m) => ({ default: m.AlertSinksPage })),
);
const IncidentsPage = lazy(() =>
  import('./incidents/IncidentsPage').then((m) => ({ default: m.IncidentsPage })),
);

// The privacy policy editor and the privacy preview (with the replayer) load on their own.
const PolicyPage = lazy(() => import('./privacy/PolicyPage').then((m) => ({ default: m.PolicyPage })));
const PrivacyPreviewPage = lazy(() =>
  import('./privacy/PrivacyPreviewPage').then((m) => ({ default: m.PrivacyPreviewPage })),
);

// The data inventory and its diagram (elkjs) load on their own.
const InventoryPage = lazy(() =>
  import('./inventory/InventoryPage').then((m) => ({ default: m.InventoryPage })),
);

// Access control and the audit log load on their own.
const AuditPage = lazy(() => import('./access/AuditPage').then((m) => ({ default: m.AuditPage })));
const AccessReportPage = lazy(() =>
  import('./access/AccessReportPage').then((m) => ({ default: m.AccessReportPage })),
);
const UsersPage = lazy(() => import('./access/UsersPage').then((m) => ({ default: m.UsersPage })));

type AuthStatus =
  | { status: 'checking' }
  | { status: 'error'; error: unknown }
  | { status: 'anonymous'; notice: string | null }
  | { status: 'secondFactor'; who: WhoAmI }
  | { status: 'signedIn'; user: User };

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'sites':
      return <SitesPage />;
    case 'sessions':
      return <SessionsPage key={route.siteKey} siteKey={route.siteKey} />;
    case 'heatmaps':
      return (
        <Suspense fallback={<Loading label="Loading heatmaps…" />}>
          <HeatmapPage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'funnels':
      return (
        <Suspense fallback={<Loading label="Loading funnels…" />}>
          <FunnelPage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'overview':
      return (
        <Suspense fallback={<Loading label="Loading the overview…" />}>
          <OverviewPage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'replay':
      return (
        <Suspense fallback={<Loading label="Loading the player…" />}>
          <ReplayPage key={route.sessionId} sessionId={route.sessionId} />
        </Suspense>
      );
    case 'consent':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <ConsentPage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'compliance':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <CompliancePage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'privacy':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <PolicyPage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'inventory':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <InventoryPage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'privacyPreview':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <PrivacyPreviewPage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'privacyRequests':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <PrivacyRequestsPage />
        </Suspense>
      );
    case 'alertInbox':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <AlertInboxPage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'alertSinks':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <AlertSinksPage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'incidents':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <IncidentsPage key={route.siteKey} siteKey={route.siteKey} />
        </Suspense>
      );
    case 'audit':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <AuditPage />
        </Suspense>
      );
    case 'accessReport':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <AccessReportPage />
        </Suspense>
      );
    case 'users':
      return (
        <Suspense fallback={<Loading label="Loading…" />}>
          <UsersPage />
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
    authApi(api)
      .whoAmI(controller.signal)
      .then(
        (who) =>
          setAuth(
            who === null
              ? { status: 'anonymous', notice: null }
              : who.secondFactor === 'pending'
                ? { status: 'secondFactor', who }
                : { status: 'signedIn', user: who.user },
          ),
        (error: unknown) => {
          if (!toApiError(error).aborted) setAuth({ status: 'error', error });
        },
      );
    return () => controller.abort();
  }, [api, checkToken]);

  const logout = useCallback(async () => {
    setLoggingOut(true);
    try {
      await authApi(api).logout();
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
  if (auth.status === 'secondFactor') {
    return (
      <SecondFactorPage
        api={api}
        who={auth.who}
        onPassed={() => setAuth({ status: 'signedIn', user: auth.who.user })}
        onCancel={logout}
      />
    );
  }
  if (auth.status === 'anonymous' || authState === null) {
    return (
      <LoginPage
        api={api}
        notice={auth.status === 'anonymous' ? auth.notice : null}
        // The server says whether this session still owes its second factor.
        onLoggedIn={() => setCheckToken((t) => t + 1)}
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
