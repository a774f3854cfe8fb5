import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/ApiError';
import type { ApiClient } from '../api/client';
import { toApiError } from '../hooks/useResource';
import {
  appendNextPage,
  EMPTY_SESSION_LIST,
  mergeRefreshedFirstPage,
  type SessionListState,
} from './mergeSessions';
import type { SessionFilters } from './sessionFilters';
import { sessionFiltersToSearch } from './sessionFilters';
import { sessionsApi } from './sessionsApi';

/** How often the list asks for new sessions while it is on screen. */
export const SESSION_LIST_REFRESH_MS = 5_000;

export interface SessionList {
  state: SessionListState;
  /** True until the first page of the current filters has arrived. */
  loading: boolean;
  loadingMore: boolean;
  error: ApiError | null;
  /** Time of the last successful refresh (ms). */
  refreshedAt: number | null;
  loadMore: () => void;
  retry: () => void;
}

/**
 * The session list of one site: the first page, re-fetched every 5 s while the tab is visible
 * and `live` is on (so a new session appears within seconds), and "load more" by cursor.
 */
export function useSessionList(
  api: ApiClient,
  siteKey: string,
  filters: SessionFilters,
  live: boolean,
): SessionList {
  const filterKey = sessionFiltersToSearch(filters);
  const [state, setState] = useState<SessionListState>(EMPTY_SESSION_LIST);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [refreshedAt, setRefreshedAt] = useState<number | null>(null);
  const [retryToken, setRetryToken] = useState(0);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const stateRef = useRef(state);
  stateRef.current = state;
  const liveRef = useRef(live);
  liveRef.current = live;

  // First page on every filter change, then a refresh loop. Each loop owns one AbortController,
  // so a filter change never lets an old answer overwrite the new list.
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for the filters (read through a ref); retryToken restarts the loop
  useEffect(() => {
    const controller = new AbortController();
    let timer: number | undefined;
    let first = true;
    setState(EMPTY_SESSION_LIST);
    setLoading(true);
    setError(null);

    const tick = async () => {
      if (!first && (document.hidden || !liveRef.current)) {
        timer = window.setTimeout(tick, SESSION_LIST_REFRESH_MS);
        return;
      }
      try {
        const page = await sessionsApi(api).list(siteKey, filtersRef.current, null, controller.signal);
        if (controller.signal.aborted) return;
        setState((prev) => mergeRefreshedFirstPage(prev, page));
        setError(null);
        setRefreshedAt(Date.now());
      } catch (err) {
        if (controller.signal.aborted) return;
        const apiError = toApiError(err);
        // A failed background refresh keeps the list and says so; only a 401 (handled by the
        // client) or a failed first load stops the loop.
        setError(apiError);
        if (first) {
          setLoading(false);
          return;
        }
      }
      if (first) setLoading(false);
      first = false;
      timer = window.setTimeout(tick, SESSION_LIST_REFRESH_MS);
    };
    void tick();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [api, siteKey, filterKey, retryToken]);

  const loadMoreController = useRef<AbortController | null>(null);
  useEffect(() => () => loadMoreController.current?.abort(), []);

  const loadMore = useCallback(() => {
    const cursor = stateRef.current.nextCursor;
    if (cursor === null || loadMoreController.current !== null) return;
    const controller = new AbortController();
    loadMoreController.current = controller;
    setLoadingMore(true);
    sessionsApi(api)
      .list(siteKey, filtersRef.current, cursor, controller.signal)
      .then(
        (page) => {
          if (!controller.signal.aborted) setState((prev) => appendNextPage(prev, page));
        },
        (err: unknown) => {
          if (!controller.signal.aborted) setError(toApiError(err));
        },
      )
      .finally(() => {
        if (loadMoreController.current === controller) loadMoreController.current = null;
        setLoadingMore(false);
      });
  }, [api, siteKey]);

  // A filter change makes any "load more" in flight stale.
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey is the trigger, not a value used
  useEffect(() => {
    loadMoreController.current?.abort();
    loadMoreController.current = null;
  }, [filterKey]);

  const retry = useCallback(() => setRetryToken((t) => t + 1), []);
  return { state, loading, loadingMore, error, refreshedAt, loadMore, retry };
}
