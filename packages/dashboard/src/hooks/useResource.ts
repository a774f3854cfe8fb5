import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/ApiError';

export type Resource<T> =
  | { status: 'loading' }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: ApiError };

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('bad_response', error instanceof Error ? error.message : 'Unexpected error', 0);
}

/**
 * Loads once per `key` (a string naming what is loaded, e.g. the site key), cancels the request
 * when the key changes or the component goes away, and offers a `reload`.
 */
export function useResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): [Resource<T>, () => void] {
  const [state, setState] = useState<{ key: string; token: number; resource: Resource<T> }>({
    key,
    token: 0,
    resource: { status: 'loading' },
  });
  const [token, setToken] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setState((prev) =>
      prev.key === key && prev.resource.status === 'ready' && prev.token !== token
        ? prev
        : { key, token, resource: { status: 'loading' } },
    );
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, token, resource: { status: 'ready', data } });
      },
      (error: unknown) => {
        if (!controller.signal.aborted)
          setState({ key, token, resource: { status: 'error', error: toApiError(error) } });
      },
    );
    return () => controller.abort();
  }, [key, token]);

  const reload = useCallback(() => setToken((t) => t + 1), []);
  // A key change shows "loading" at once rather than the previous key's data for one render.
  const resource: Resource<T> = state.key === key ? state.resource : { status: 'loading' };
  return [resource, reload];
}
