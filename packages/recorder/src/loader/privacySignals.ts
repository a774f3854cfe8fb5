/** What the loader reads of `navigator` / `window` for the visitor's privacy signals. */
export interface SignalSource {
  globalPrivacyControl?: unknown;
  doNotTrack?: unknown;
  msDoNotTrack?: unknown;
}

/** True when the browser sends Global Privacy Control or Do Not Track. */
export function privacySignalSet(nav: SignalSource, win: SignalSource): boolean {
  const dnt = (v: unknown) => v === '1' || v === 'yes';
  return (
    nav.globalPrivacyControl === true || dnt(nav.doNotTrack) || dnt(nav.msDoNotTrack) || dnt(win.doNotTrack)
  );
}
