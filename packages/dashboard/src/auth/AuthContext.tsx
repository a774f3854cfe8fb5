import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client';
import type { User } from './authApi';

export interface AuthState {
  user: User;
  api: ApiClient;
  logout: () => Promise<void>;
}

export const AuthContext = createContext<AuthState | null>(null);

/** The logged-in user and the API client; only screens behind the login use it. */
export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (state === null) throw new Error('useAuth() outside the logged-in app');
  return state;
}
