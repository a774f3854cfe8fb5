export interface SettingsRepository {
  get(key: string): Promise<string | undefined>;
  /** Stores `value` unless the key exists; returns the value that is stored afterwards. */
  putIfAbsent(key: string, value: string): Promise<string>;
  put(key: string, value: string): Promise<void>;
  /**
   * Sets `key` to `value` only if it holds `expected` now, atomically on both engines (one
   * conditional UPDATE); true when this call changed it. Processes sharing a database use it to
   * claim work exactly once.
   */
  compareAndSet(key: string, expected: string, value: string): Promise<boolean>;
}
