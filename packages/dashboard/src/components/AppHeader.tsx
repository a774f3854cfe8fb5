import { roleHasPermission } from '@veil/core';
import type { User } from '../auth/authApi';
import { Link, useLocation } from '../router/history';
import { paths } from '../router/routes';
import { LogoMark } from './icons';

const ROLE_LABELS: Readonly<Record<User['role'], string>> = {
  owner: 'Owner',
  admin: 'Admin',
  compliance_officer: 'Compliance officer',
  analyst: 'Analyst',
  replay_viewer: 'Replay viewer',
  auditor: 'Auditor',
};

export interface AppHeaderProps {
  user: User;
  onLogout: () => void;
  loggingOut: boolean;
}

export function AppHeader({ user, onLogout, loggingOut }: AppHeaderProps) {
  const { pathname } = useLocation();
  const onSites = pathname === '/' || pathname.startsWith('/sites');
  return (
    <header className="app-header">
      <div className="app-header__inner">
        <Link to={paths.sites()} className="brand" aria-label="Veil, home">
          <LogoMark size={26} />
          <span className="brand__name">Veil</span>
        </Link>
        <nav aria-label="Main" className="app-nav">
          <Link to={paths.sites()} className="app-nav__link" aria-current={onSites ? 'page' : undefined}>
            Sites
          </Link>
          <Link
            to={paths.privacyRequests()}
            className="app-nav__link"
            aria-current={pathname.startsWith(paths.privacyRequests()) ? 'page' : undefined}
          >
            Privacy requests
          </Link>
          {roleHasPermission(user.role, 'audit:read') && (
            <Link
              to={paths.audit()}
              className="app-nav__link"
              aria-current={pathname === paths.audit() ? 'page' : undefined}
              data-testid="nav-audit"
            >
              Audit log
            </Link>
          )}
          {roleHasPermission(user.role, 'audit:read') && (
            <Link
              to={paths.accessReport()}
              className="app-nav__link"
              aria-current={pathname === paths.accessReport() ? 'page' : undefined}
              data-testid="nav-access-report"
            >
              Access report
            </Link>
          )}
          {roleHasPermission(user.role, 'users:read') && (
            <Link
              to={paths.users()}
              className="app-nav__link"
              aria-current={pathname === paths.users() ? 'page' : undefined}
              data-testid="nav-users"
            >
              Users
            </Link>
          )}
        </nav>
        <div className="app-header__user">
          <span className="user-chip" data-testid="current-user">
            <span className="user-chip__email">{user.email}</span>
            <span className="user-chip__role">{ROLE_LABELS[user.role]}</span>
          </span>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={onLogout}
            disabled={loggingOut}
            data-testid="logout-button"
          >
            {loggingOut ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </div>
    </header>
  );
}
