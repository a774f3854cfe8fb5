// The snippet's queue stub, and the visitor's consent queued before the loader arrives.
window.veil =
  window.veil ||
  function veil() {
    window.veil.q = window.veil.q || [];
    // biome-ignore lint/complexity/noArguments: the loader reads the queue as the README's stub fills it
    window.veil.q.push(arguments);
  };
window.veil('consent', { analytics: true });
