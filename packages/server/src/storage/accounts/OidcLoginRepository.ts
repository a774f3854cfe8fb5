export interface OidcLoginRepository {
  put(login: { stateHash: string; nonce: string; codeVerifier: string; createdAt: number }): Promise<void>;
  /** Removes and returns the login (a state is good once). */
  take(stateHash: string): Promise<{ nonce: string; codeVerifier: string; createdAt: number } | undefined>;
  deleteOlderThan(before: number): Promise<number>;
}
